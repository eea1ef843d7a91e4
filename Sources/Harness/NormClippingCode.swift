import Autograd
import Contract
import Datasets

/// Exercise 1: the functions a student writes for norm clipping.
public struct NormClippingCode {
  public var gradNorm: (_ parameters: [Tensor], _ normType: Double) throws -> Double
  public var clipGradNorm:
    (_ parameters: [Tensor], _ maxNorm: Double, _ normType: Double, _ errorIfNonfinite: Bool) throws -> Double
  public var trainStep:
    (_ model: any Module, _ optimizer: any Optimizer, _ batch: Batch, _ lossFunction: LossFunction, _ maxNorm: Double)
      throws -> StepRecord

  public init(
    gradNorm: @escaping (_ parameters: [Tensor], _ normType: Double) throws -> Double,
    clipGradNorm: @escaping (_ parameters: [Tensor], _ maxNorm: Double, _ normType: Double, _ errorIfNonfinite: Bool)
      throws -> Double,
    trainStep: @escaping (any Module, any Optimizer, Batch, LossFunction, Double) throws -> StepRecord
  ) {
    self.gradNorm = gradNorm
    self.clipGradNorm = clipGradNorm
    self.trainStep = trainStep
  }
}
