import Autograd

/// Sequences of different lengths padded into one batch for next-token
/// prediction, laid out for a model that reads a window of the last
/// `context` tokens and a loss that skips padding.
///
/// With B sequences, the longest of L tokens, and T = L − 1 positions,
/// row b·T + t stands for "sequence b after its token t":
///
/// - `inputs` [B·T, context·V]: the one-hot vectors of tokens
///   t − context + 1 … t of sequence b, oldest first; a token before the
///   sequence's start is a vector of zeros, and so is a whole row past its
///   end (padding).
/// - `targets` [B·T]: token t + 1 of sequence b, the one to predict, or
///   `TokenBatch.ignoreIndex` (-100, PyTorch's `ignore_index`) past its
///   end, so `tokenCrossEntropy(model(batch.inputs), batch.targets)` sums
///   over real tokens only.
///
/// Why one-hot windows and no embedding op: a Linear layer on a one-hot
/// vector *is* an embedding lookup (x·W picks W's row for the token), with
/// the same gradient, and with V = 7 the vectors are tiny. A window MLP
/// treats every row independently, so padding changes no real row's
/// output (see `realRows` for layers that do mix rows); with `context: 1`, `inputs.reshaped([B, T, V])` is the
/// [batch, time, features] layout `RNN` reads.
///
///     let batch = try set.batch(Array(0..<8), context: 3)
///     let loss = try tokenCrossEntropy(model(batch.inputs), batch.targets)
///     // loss.count == batch.tokenCount
public struct TokenBatch {
  /// The target of a padding position: PyTorch's `ignore_index` default.
  public static let ignoreIndex = -100

  /// [B·T, context·V] one-hot windows; zeros at padding.
  public let inputs: Tensor
  /// [B·T] next tokens as whole numbers; `ignoreIndex` at padding.
  public let targets: Tensor
  /// Each sequence's number of tokens.
  public let lengths: [Int]
  /// T, the positions per sequence after padding: the longest length − 1.
  public let positions: Int
  /// How many tokens each row's window holds.
  public let context: Int
  /// V, the size of each one-hot vector.
  public let vocabularySize: Int

  /// B, the number of sequences.
  public var sequenceCount: Int { lengths.count }
  /// The number of real targets, Σ (length − 1): what a window of
  /// micro-batches adds up for Hugging Face's `num_items_in_batch`.
  public var tokenCount: Int { lengths.reduce(0) { $0 + $1 - 1 } }
  /// The number of rows, real and padding: B·T.
  public var rowCount: Int { lengths.count * positions }
  /// The rows of real tokens, in order. A layer that mixes rows, such as
  /// `BatchNorm1d`, would count padding rows in its statistics; feed it
  /// `inputs.indexSelect(realRows)` (with `targets.indexSelect(realRows)`)
  /// to leave them out.
  public var realRows: [Int] {
    targets.data.indices.filter { targets.data[$0] != Double(Self.ignoreIndex) }
  }

  /// Pads `sequences` to the longest of them.
  ///
  /// - Throws: `DatasetError.invalidArgument` for no sequences, a sequence
  ///   shorter than 2 tokens, a token outside `0..<vocabularySize`, or a
  ///   `context` below 1.
  public init(sequences: [[Int]], vocabularySize: Int, context: Int) throws {
    let call = "TokenBatch(sequences: \(sequences.count), vocabularySize: \(vocabularySize), context: \(context))"
    guard !sequences.isEmpty else {
      throw DatasetError.invalidArgument(call: call, detail: "needs at least one sequence")
    }
    guard context >= 1 else {
      throw DatasetError.invalidArgument(call: call, detail: "context must be at least 1 token")
    }
    try SequenceDataset.check(sequences, vocabularySize: vocabularySize, call: call)
    let positions = sequences.map(\.count).max()! - 1
    let width = context * vocabularySize
    var inputs = [Double](repeating: 0, count: sequences.count * positions * width)
    var targets = [Double](repeating: Double(Self.ignoreIndex), count: sequences.count * positions)
    for (b, sequence) in sequences.enumerated() {
      for t in 0..<(sequence.count - 1) {
        let row = b * positions + t
        targets[row] = Double(sequence[t + 1])
        // Slot s of the window holds token t − context + 1 + s.
        for s in 0..<context where t - context + 1 + s >= 0 {
          inputs[row * width + s * vocabularySize + sequence[t - context + 1 + s]] = 1
        }
      }
    }
    self.inputs = Tensor(inputs, shape: [sequences.count * positions, width])
    self.targets = Tensor(targets, shape: [sequences.count * positions])
    self.lengths = sequences.map(\.count)
    self.positions = positions
    self.context = context
    self.vocabularySize = vocabularySize
  }
}
