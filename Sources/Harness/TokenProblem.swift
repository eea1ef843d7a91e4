import Autograd
import Contract
import Datasets

/// Next-token prediction on strings of the Reber grammar: the data and the
/// model of exercise 6's scenarios and demo.
///
/// The model reads a one-hot window of the last `context` tokens (the
/// layout of `TokenBatch`) and predicts the next of the 7 tokens: an MLP
/// `context · 7 → hidden… → 7` with tanh, and a norm layer after each
/// hidden Linear layer when asked. Every call of `makeModel()` gives the
/// same weights, so several loops (or several workers' replicas) start
/// from the same point.
public struct TokenProblem {
  /// Tokens each row's window holds.
  public static let context = 3
  /// Plain SGD's learning rate in the graded scenarios.
  public static let learningRate = 0.5

  public let data: SequenceDataset
  public let seed: UInt64
  public let hidden: [Int]
  public let norm: Sequential.Norm?
  /// The engine's summed token loss, PyTorch's `ignore_index = -100`.
  public let lossFunction: TokenLossFunction = { try tokenCrossEntropy($0, $1) }

  /// `sequences` Reber strings with lengths in `lengths`, drawn from `seed`.
  public init(
    seed: UInt64, sequences: Int, lengths: ClosedRange<Int> = 5...20, hidden: [Int],
    norm: Sequential.Norm? = nil
  ) throws {
    var rng = SplitMix64(seed: seed &+ 0x5EED)
    data = try .reberGrammar(count: sequences, lengths: lengths, rng: &rng)
    self.seed = seed
    self.hidden = hidden
    self.norm = norm
  }

  /// A fresh model; every call returns the same weights.
  public func makeModel() -> Sequential {
    var rng = SplitMix64(seed: seed)
    let width = Self.context * data.vocabularySize
    return .mlp([width] + hidden + [data.vocabularySize], activation: .tanh, norm: norm, rng: &rng)
  }

  /// Consecutive sequences from `start`, `sizes[i]` of them in micro-batch
  /// i, each micro-batch padded to its own longest sequence.
  public func microBatches(sizes: [Int], from start: Int = 0) throws -> [TokenBatch] {
    var next = start
    return try sizes.map { size in
      defer { next += size }
      return try data.batch(Array(next..<(next + size)), context: Self.context)
    }
  }

  /// The micro-batches joined into one batch: the same sequences, padded
  /// to the longest of them all (the large batch accumulation reproduces).
  public func joined(_ batches: [TokenBatch], from start: Int = 0) throws -> TokenBatch {
    try data.batch(Array(start..<(start + batches.reduce(0) { $0 + $1.sequenceCount })), context: Self.context)
  }
}

/// Wraps a token loss so each call records which micro-batch it was given.
func recordingTokenLoss(_ base: @escaping TokenLossFunction, batches: [TokenBatch], recorder: Recorder)
  -> TokenLossFunction
{
  recordingCalls(base, targets: batches.map(\.targets), recorder: recorder)
}
