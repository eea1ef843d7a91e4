import Autograd

/// The workers' one way to talk to each other: `torch.distributed`'s
/// collective `all_reduce`, simulated in one process, counting every call.
///
/// In real data-parallel training each worker runs on its own GPU and
/// calls `dist.all_reduce(tensor, op=...)` at the same moment as all the
/// others; every worker gets back the same result, computed from every
/// worker's tensor. Here the workers run one after another in one
/// process, so a collective is a single call that takes every worker's
/// part at once and gives every worker the result.
///
/// Communication is what data parallelism pays for: a gradient all-reduce
/// moves a whole model's worth of numbers over the network. The group
/// counts its calls (`gradientAllReduces`, `scalarAllReduces`), which is
/// how exercise 6 is graded on `DistributedDataParallel.no_sync`.
///
///     let group = ProcessGroup(worldSize: 2)
///     try group.allReduce(gradientsOf: workers.map { $0.model.parameters() }, op: .average)
///     let tokens = try group.allReduce([120, 95], op: .sum)  // 215 on every worker
///
/// See https://docs.pytorch.org/docs/stable/distributed.html (`all_reduce`,
/// `ReduceOp`) and torch/nn/parallel/distributed.py (DDP, which averages
/// the gradients of its workers during `backward()`).
public final class ProcessGroup {
  /// How the workers' values are combined: `torch.distributed.ReduceOp`.
  public enum ReduceOp: String, Sendable {
    /// `ReduceOp.SUM`: the sum over workers, `dist.all_reduce`'s default.
    case sum
    /// `ReduceOp.AVG`: the sum divided by the world size, which is what
    /// `DistributedDataParallel` does to gradients.
    case average
  }

  /// The number of workers, W.
  public let worldSize: Int
  /// The calls of `allReduce(gradientsOf:op:)` so far: each moves every
  /// parameter's gradient between the workers.
  public private(set) var gradientAllReduces = 0
  /// The calls of `allReduce(_:op:)` so far: each moves one number.
  public private(set) var scalarAllReduces = 0
  /// The gradient entries one worker contributed, summed over the
  /// gradient all-reduces: the volume of the communication.
  public private(set) var gradientValuesReduced = 0

  /// A group of `worldSize` workers (at least 1) that have communicated
  /// nothing yet.
  public init(worldSize: Int) {
    precondition(worldSize >= 1, "a process group needs at least one worker, got \(worldSize)")
    self.worldSize = worldSize
  }

  /// Combines every worker's gradient of each parameter and leaves the
  /// result in every worker's `.grad`: `dist.all_reduce` on each gradient
  /// (what DDP does during the `backward()` of a step that is not under
  /// `no_sync`).
  ///
  /// A parameter without a gradient on a worker counts as a gradient of
  /// zeros there; afterwards every worker has one. Each worker gets its own
  /// copy of the result, so later `backward()` calls on one replica leave
  /// the others alone.
  ///
  /// - Parameters:
  ///   - replicas: each worker's parameters, `replicas[rank]`, in the same
  ///     order and shapes on every worker (`model.parameters()`).
  ///   - op: `.sum` or `.average`.
  /// - Throws: `WorkbookError.invalidArgument(function: "allReduce", …)`
  ///   unless there is one list per worker with matching shapes; nothing
  ///   is changed or counted then.
  public func allReduce(gradientsOf replicas: [[Tensor]], op: ReduceOp) throws {
    guard replicas.count == worldSize else {
      throw WorkbookError.invalidArgument(
        function: "allReduce",
        detail: "expected the parameters of all \(worldSize) workers, got \(replicas.count) list(s)")
    }
    let shapes = replicas[0].map(\.shape)
    guard replicas.allSatisfy({ $0.map(\.shape) == shapes }) else {
      throw WorkbookError.invalidArgument(
        function: "allReduce", detail: "every worker must pass the same parameters, in the same order and shapes")
    }
    for index in shapes.indices {
      let count = replicas[0][index].count
      var total = [Double](repeating: 0, count: count)
      for replica in replicas {
        guard let grad = replica[index].grad else { continue }
        for i in 0..<count { total[i] += grad.data[i] }
      }
      if op == .average { total = total.map { $0 / Double(worldSize) } }
      for replica in replicas { replica[index].grad = Tensor(total, shape: shapes[index]) }
      gradientValuesReduced += count
    }
    gradientAllReduces += 1
  }

  /// Combines one number per worker and returns the result every worker
  /// gets: `dist.all_reduce` of a one-element tensor, such as a count of
  /// tokens or a sum of squares.
  ///
  /// - Parameters:
  ///   - values: worker `rank`'s number at `values[rank]`.
  ///   - op: `.sum` or `.average`.
  /// - Throws: `WorkbookError.invalidArgument(function: "allReduce", …)`
  ///   unless there is one value per worker; nothing is counted then.
  public func allReduce(_ values: [Double], op: ReduceOp) throws -> Double {
    guard values.count == worldSize else {
      throw WorkbookError.invalidArgument(
        function: "allReduce", detail: "expected one value from each of the \(worldSize) workers, got \(values.count)")
    }
    scalarAllReduces += 1
    let total = values.reduce(0, +)
    return op == .average ? total / Double(worldSize) : total
  }
}
