import Autograd
import Contract
import Datasets

/// Exercise 6, the lab: token-weighted accumulation, simulated
/// data-parallel workers, and clipping gradients spread over workers.
public struct AccumulationLimitsCode {
  public var trainWithTokenAccumulation:
    (_ model: any Module, _ optimizer: any Optimizer, _ microBatches: [TokenBatch], _ accumulationSteps: Int,
      _ lossFunction: TokenLossFunction) throws -> [Double]
  public var trainDataParallel:
    (_ workers: [Worker], _ accumulationSteps: Int, _ lossFunction: TokenLossFunction, _ processGroup: ProcessGroup)
      throws -> Void
  public var clipGradNormAcrossWorkers:
    (_ sharded: [[Tensor]], _ replicated: [[Tensor]], _ maxNorm: Double, _ processGroup: ProcessGroup) throws
      -> Double
  public var clipGradValueAcrossWorkers:
    (_ sharded: [[Tensor]], _ replicated: [[Tensor]], _ clipValue: Double, _ processGroup: ProcessGroup) throws
      -> Void

  public init(
    trainWithTokenAccumulation: @escaping (any Module, any Optimizer, [TokenBatch], Int, TokenLossFunction) throws
      -> [Double],
    trainDataParallel: @escaping ([Worker], Int, TokenLossFunction, ProcessGroup) throws -> Void,
    clipGradNormAcrossWorkers: @escaping ([[Tensor]], [[Tensor]], Double, ProcessGroup) throws -> Double,
    clipGradValueAcrossWorkers: @escaping ([[Tensor]], [[Tensor]], Double, ProcessGroup) throws -> Void
  ) {
    self.trainWithTokenAccumulation = trainWithTokenAccumulation
    self.trainDataParallel = trainDataParallel
    self.clipGradNormAcrossWorkers = clipGradNormAcrossWorkers
    self.clipGradValueAcrossWorkers = clipGradValueAcrossWorkers
  }
}
