import Autograd

/// A fixed set of token sequences of different lengths, unpadded: the data
/// of next-token prediction. `batch(_:context:)` pads a selection of them
/// into a `TokenBatch`.
///
/// Tokens are indices into `vocabulary`. Every sequence has at least two
/// tokens, so it has at least one next token to predict: a sequence of
/// length L gives L − 1 targets.
public struct SequenceDataset {
  /// The sequences, each a list of token indices in `0..<vocabulary.count`.
  public let sequences: [[Int]]
  /// The tokens' names, for printing: `vocabulary[3]` is token 3.
  public let vocabulary: [String]
  /// A readable description of how the set was made, for logs and plots.
  public var name: String
  /// For sets drawn from a grammar, the mean per-token loss of the
  /// grammar's own next-token probabilities over all targets: the floor
  /// a model can approach. `nil` for sets given by hand.
  public let grammarLoss: Double?

  /// - Throws: `DatasetError.invalidArgument` for a sequence shorter than
  ///   two tokens or a token outside `0..<vocabulary.count`.
  public init(sequences: [[Int]], vocabulary: [String], name: String = "sequences") throws {
    try Self.check(sequences, vocabularySize: vocabulary.count, call: "SequenceDataset(name: \"\(name)\")")
    self.init(checked: sequences, vocabulary: vocabulary, name: name, grammarLoss: nil)
  }

  /// For the generators, which build valid sequences.
  init(checked sequences: [[Int]], vocabulary: [String], name: String, grammarLoss: Double?) {
    self.sequences = sequences
    self.vocabulary = vocabulary
    self.name = name
    self.grammarLoss = grammarLoss
  }

  /// Throws unless every sequence has at least 2 tokens, each in
  /// `0..<vocabularySize`.
  static func check(_ sequences: [[Int]], vocabularySize: Int, call: String) throws {
    if let n = sequences.firstIndex(where: { $0.count < 2 }) {
      throw DatasetError.invalidArgument(
        call: call, detail: "sequence \(n) has \(sequences[n].count) token(s); each needs at least 2, one to predict")
    }
    if let n = sequences.firstIndex(where: { $0.contains { $0 < 0 || $0 >= vocabularySize } }) {
      throw DatasetError.invalidArgument(
        call: call, detail: "sequence \(n) has a token outside 0..<\(vocabularySize): \(sequences[n])")
    }
  }

  /// The number of sequences.
  public var count: Int { sequences.count }
  /// The number of distinct tokens, V.
  public var vocabularySize: Int { vocabulary.count }
  /// Each sequence's number of tokens.
  public var lengths: [Int] { sequences.map(\.count) }

  /// Sequences `indices`, in that order, padded into one batch; see
  /// `TokenBatch` for the layout. An index outside `0..<count` is a bug in
  /// the calling code and stops with the index.
  ///
  /// - Throws: `DatasetError.invalidArgument` for an empty selection or a
  ///   `context` below 1.
  public func batch(_ indices: [Int], context: Int) throws -> TokenBatch {
    for i in indices {
      precondition(i >= 0 && i < count, "SequenceDataset.batch: index \(i) is out of range for \(count) sequences")
    }
    return try TokenBatch(sequences: indices.map { sequences[$0] }, vocabularySize: vocabularySize, context: context)
  }
}
