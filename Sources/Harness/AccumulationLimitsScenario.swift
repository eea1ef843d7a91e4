/// A scenario of exercise 6: which of its functions, on what.
public enum AccumulationLimitsScenario: Codable, Sendable, CustomStringConvertible {
  case tokenAccumulation(TokenAccumulationSpec)
  case dataParallel(DataParallelSpec)
  case shardedClipping(ShardedClippingSpec)

  public var description: String {
    switch self {
    case let .tokenAccumulation(spec): return spec.description
    case let .dataParallel(spec): return spec.description
    case let .shardedClipping(spec): return spec.description
    }
  }
}

/// A run of `trainWithTokenAccumulation` on padded Reber strings
/// (`TokenProblem`, hidden 3, plain SGD at 0.5).
public struct TokenAccumulationSpec: Codable, Sendable, CustomStringConvertible {
  public var seed: UInt64
  /// Sequences per micro-batch, in order.
  public var sizes: [Int]
  public var accumulationSteps: Int
  /// Gradients left in `.grad` before the loop, as if from an earlier step.
  public var staleGradients: Bool

  public init(seed: UInt64, sizes: [Int], accumulationSteps: Int, staleGradients: Bool = true) {
    self.seed = seed
    self.sizes = sizes
    self.accumulationSteps = accumulationSteps
    self.staleGradients = staleGradients
  }

  public var description: String {
    "Reber next-token MLP (seed \(seed)), micro-batches of \(sizes) sequences, accumulationSteps \(accumulationSteps)"
  }
}

/// A run of `trainDataParallel`: workers with replicas of the Reber model
/// and their own micro-batches, consecutive sequences worker after worker.
public struct DataParallelSpec: Codable, Sendable, CustomStringConvertible {
  public var seed: UInt64
  /// `sizes[rank][j]`: the sequences in worker `rank`'s j-th micro-batch.
  public var sizes: [[Int]]
  public var accumulationSteps: Int
  /// Whether the all-reduces are counted and compared: the communication
  /// check's scenarios. Elsewhere only the numbers are.
  public var countsCommunication: Bool
  public var staleGradients: Bool

  public init(
    seed: UInt64, sizes: [[Int]], accumulationSteps: Int, countsCommunication: Bool = false,
    staleGradients: Bool = true
  ) {
    self.seed = seed
    self.sizes = sizes
    self.accumulationSteps = accumulationSteps
    self.countsCommunication = countsCommunication
    self.staleGradients = staleGradients
  }

  public var description: String {
    "Reber next-token MLP (seed \(seed)), \(sizes.count) workers with micro-batches of \(sizes) sequences, "
      + "accumulationSteps \(accumulationSteps)"
  }
}

/// Gradients spread over workers for `clipGradNormAcrossWorkers` or
/// `clipGradValueAcrossWorkers`: each worker's own shard, and parameters
/// every worker holds whole with the same gradient.
public struct ShardedClippingSpec: Codable, Sendable, CustomStringConvertible {
  public enum Clipping: Codable, Sendable {
    case norm(maxNorm: Double)
    case value(clipValue: Double)
  }

  public var seed: UInt64
  /// `sharded[rank]`: the shapes of worker `rank`'s own parameters.
  public var sharded: [[[Int]]]
  /// The shapes of the replicated parameters.
  public var replicated: [[Int]]
  /// The L2 norm of the whole model's gradient, each entry once.
  public var norm: Double
  public var clipping: Clipping

  public init(seed: UInt64, sharded: [[[Int]]], replicated: [[Int]], norm: Double, clipping: Clipping) {
    self.seed = seed
    self.sharded = sharded
    self.replicated = replicated
    self.norm = norm
    self.clipping = clipping
  }

  public var description: String {
    let sizes = sharded.map { $0.reduce(0) { $0 + $1.reduce(1, *) } }
    let copies = replicated.reduce(0) { $0 + $1.reduce(1, *) }
    let threshold: String
    switch clipping {
    case let .norm(maxNorm): threshold = "maxNorm \(format(maxNorm))"
    case let .value(clipValue): threshold = "clipValue \(format(clipValue))"
    }
    return "\(sharded.count) workers holding shards of \(sizes) gradient entries and \(copies) replicated ones, "
      + "global norm \(format(norm)) (seed \(seed)), \(threshold)"
  }
}
