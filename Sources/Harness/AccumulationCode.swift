import Autograd
import Contract
import Datasets

/// Exercise 3: the accumulation loop.
public struct AccumulationCode {
  public var trainWithAccumulation:
    (_ model: any Module, _ optimizer: any Optimizer, _ microBatches: [Batch], _ accumulationSteps: Int,
      _ lossFunction: LossFunction) throws -> [Double]

  public init(trainWithAccumulation: @escaping (any Module, any Optimizer, [Batch], Int, LossFunction) throws -> [Double]) {
    self.trainWithAccumulation = trainWithAccumulation
  }
}
