import Autograd
import Contract
import Datasets

/// Exercise 7, the gradient-health lab: adaptive clipping, centralization,
/// the per-parameter report and the step that uses them.
public struct GradientHealthCode {
  public typealias Clip = ([Tensor]) throws -> Void

  public var adaptiveGradClip: (_ parameters: [Tensor], _ clipping: Double, _ eps: Double) throws -> Void
  public var centralizeGradients: (_ parameters: [Tensor]) throws -> Void
  public var gradientReport:
    (_ namedParameters: [(name: String, tensor: Tensor)], _ gradientsBefore: [[Double]?], _ valuesBefore: [[Double]])
      throws -> GradientReport
  public var trainStepWithReport:
    (_ model: any Module, _ optimizer: any Optimizer, _ batch: Batch, _ lossFunction: LossFunction,
      _ centralize: Bool, _ clipGradients: Clip) throws -> GradientReport

  public init(
    adaptiveGradClip: @escaping ([Tensor], Double, Double) throws -> Void,
    centralizeGradients: @escaping ([Tensor]) throws -> Void,
    gradientReport: @escaping ([(name: String, tensor: Tensor)], [[Double]?], [[Double]]) throws -> GradientReport,
    trainStepWithReport: @escaping (any Module, any Optimizer, Batch, LossFunction, Bool, Clip) throws
      -> GradientReport
  ) {
    self.adaptiveGradClip = adaptiveGradClip
    self.centralizeGradients = centralizeGradients
    self.gradientReport = gradientReport
    self.trainStepWithReport = trainStepWithReport
  }
}
