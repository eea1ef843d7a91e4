import Autograd
import Contract
import Datasets

/// Exercise 5: the loss scaler's two pieces and the loop that uses them.
public struct MixedPrecisionCode {
  public var unscaleGradients: (_ parameters: [Tensor], _ scale: Double) throws -> Bool
  public var updateScale: (_ lossScale: inout LossScale, _ foundInf: Bool) throws -> Void
  public var trainWithMixedPrecision:
    (_ model: any Module, _ optimizer: any Optimizer, _ scheduler: LinearWarmup, _ microBatches: [Batch],
      _ accumulationSteps: Int, _ lossFunction: LossFunction, _ maxNorm: Double, _ lossScale: inout LossScale,
      _ clipGradNorm: GradNormClipper) throws -> [MixedPrecisionRecord]

  public init(
    unscaleGradients: @escaping ([Tensor], Double) throws -> Bool,
    updateScale: @escaping (inout LossScale, Bool) throws -> Void,
    trainWithMixedPrecision: @escaping (
      any Module, any Optimizer, LinearWarmup, [Batch], Int, LossFunction, Double, inout LossScale, GradNormClipper
    ) throws -> [MixedPrecisionRecord]
  ) {
    self.unscaleGradients = unscaleGradients
    self.updateScale = updateScale
    self.trainWithMixedPrecision = trainWithMixedPrecision
  }
}
