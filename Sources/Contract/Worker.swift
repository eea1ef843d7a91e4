import Autograd
import Datasets

/// One simulated data-parallel worker (a *rank* in `torch.distributed`):
/// its replica of the model, the optimizer over that replica, and the
/// micro-batches only it reads.
///
/// The workers of exercise 6 run one after another in one process, but
/// each stands for a GPU of its own: a worker reads its own micro-batches
/// and its own replica, and learns anything about the others only through
/// the `ProcessGroup`. Every replica starts with the same parameters, as
/// `DistributedDataParallel` broadcasts rank 0's when it wraps the model.
public struct Worker {
  /// 0 … worldSize − 1.
  public let rank: Int
  /// This worker's replica of the model.
  public let model: any Module
  /// The optimizer over `model`'s parameters.
  public let optimizer: any Optimizer
  /// This worker's micro-batches, in order: its share of each window.
  public let microBatches: [TokenBatch]

  public init(rank: Int, model: any Module, optimizer: any Optimizer, microBatches: [TokenBatch]) {
    self.rank = rank
    self.model = model
    self.optimizer = optimizer
    self.microBatches = microBatches
  }
}
