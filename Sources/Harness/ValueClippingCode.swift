import Autograd
import Contract
import Datasets

/// Exercise 2: value clipping and the 2-D comparison.
public struct ValueClippingCode {
  public var clipGradValue: (_ parameters: [Tensor], _ clipValue: Double) throws -> Void
  public var trainStep:
    (_ model: any Module, _ optimizer: any Optimizer, _ batch: Batch, _ lossFunction: LossFunction, _ clipValue: Double)
      throws -> Double
  public var compareClipping: (_ vector: [Double], _ maxNorm: Double, _ clipValue: Double) throws -> ClipComparison

  public init(
    clipGradValue: @escaping ([Tensor], Double) throws -> Void,
    trainStep: @escaping (any Module, any Optimizer, Batch, LossFunction, Double) throws -> Double,
    compareClipping: @escaping ([Double], Double, Double) throws -> ClipComparison
  ) {
    self.clipGradValue = clipGradValue
    self.trainStep = trainStep
    self.compareClipping = compareClipping
  }
}
