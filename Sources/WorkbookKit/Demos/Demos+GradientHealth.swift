import Autograd
import Charts
import Datasets
import Foundation
import Harness
import Measures

extension Demos {
  static func gradientHealth(code: WorkbookCode, options: DemoOptions, output: DemoOutput) throws -> DemoSummary {
    DemoSummary()
  }

  /// Calls every function of exercise 7 the demo uses, and exercise 1's
  /// clipping.
  static func probeGradientHealth(
    _ code: WorkbookCode, model: any Module, optimizer: any Optimizer, batch: Batch, loss: @escaping LossFunction
  ) throws {
    let ex7 = try code.required(\.ex7, .ex7)
    _ = try ex7.trainStepWithReport(model, optimizer, batch, loss, true) { try ex7.adaptiveGradClip($0, 0.01, 1e-3) }
    _ = try code.normClipper()(model.parameters(), maxNorm: 1)
  }
}
