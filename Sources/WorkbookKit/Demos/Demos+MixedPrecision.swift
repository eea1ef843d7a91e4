import Autograd
import Charts
import Datasets
import Foundation
import Grading

extension Demos {
  static func mixedPrecision(code: WorkbookCode, options: DemoOptions, output: DemoOutput) throws -> DemoSummary {
    _ = try code.required(\.ex5, .ex5)
    throw CommandFailure("the ex5 demo is not written yet")
  }
}
