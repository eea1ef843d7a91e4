import Autograd
import Testing
@testable import Datasets

@Suite("Token batches of padded sequences")
struct TokenBatchTests {
  /// Two sequences over a vocabulary of 7: 3 tokens and 5 tokens.
  static let pair = [[0, 1, 3], [0, 2, 5, 6, 6]]

  static func oneHot(_ token: Int?) -> [Double] {
    (0..<7).map { $0 == token ? 1 : 0 }
  }

  @Test("layout: a row per position, windows of one-hot tokens, -100 and zeros at padding")
  func layout() throws {
    let batch = try TokenBatch(sequences: Self.pair, vocabularySize: 7, context: 2)
    #expect(batch.positions == 4)
    #expect(batch.inputs.shape == [8, 14])
    #expect(batch.targets.shape == [8])
    #expect(batch.targets.data == [1, 3, -100, -100, 2, 5, 6, 6])
    #expect(batch.tokenCount == 6 && batch.rowCount == 8 && batch.sequenceCount == 2)
    #expect(batch.lengths == [3, 5])
    #expect(batch.realRows == [0, 1, 4, 5, 6, 7])
    // Row by row: (token before, token now), nil before the start and at padding.
    let windows: [(Int?, Int?)] = [(nil, 0), (0, 1), (nil, nil), (nil, nil), (nil, 0), (0, 2), (2, 5), (5, 6)]
    for (row, (before, now)) in windows.enumerated() {
      let expected = Self.oneHot(before) + Self.oneHot(now)
      #expect(Array(batch.inputs.data[(row * 14)..<((row + 1) * 14)]) == expected, "row \(row)")
    }
  }

  @Test("micro-batches: array_split sizes, each padded to its own longest, the same real rows as the whole")
  func microBatches() throws {
    var rng = SplitMix64(seed: 4)
    let set = try SequenceDataset.reberGrammar(count: 10, rng: &rng)
    let indices = [9, 2, 5, 0, 7, 1, 3]
    let parts = try set.microBatches(indices, parts: 3, context: 3)
    #expect(parts.map(\.sequenceCount) == [3, 2, 2])
    #expect(parts.flatMap(\.lengths) == indices.map { set.sequences[$0].count })
    for part in parts { #expect(part.positions == part.lengths.max()! - 1) }
    let whole = try set.batch(indices, context: 3)
    #expect(parts.reduce(0) { $0 + $1.tokenCount } == whole.tokenCount)
    #expect(Self.realRows(parts) == Self.realRows([whole]))
  }

  /// The (input row, target) pairs of real tokens, in order.
  static func realRows(_ batches: [TokenBatch]) -> [[Double]] {
    var rows: [[Double]] = []
    for b in batches {
      let width = b.inputs.shape[1]
      for row in 0..<b.rowCount where b.targets.data[row] != -100 {
        rows.append(Array(b.inputs.data[(row * width)..<((row + 1) * width)]) + [b.targets.data[row]])
      }
    }
    return rows
  }

  @Test("workers × micro-batches: [worker][micro-step], contiguous shards, indices in order")
  func workers() throws {
    var rng = SplitMix64(seed: 5)
    let set = try SequenceDataset.reberGrammar(count: 20, rng: &rng)
    let indices = Array(0..<11)
    let shards = try set.workerMicroBatches(indices, workers: 2, microBatchesPerWorker: 3, context: 1)
    #expect(shards.map { $0.map(\.sequenceCount) } == [[2, 2, 2], [2, 2, 1]])
    #expect(shards.flatMap { $0.flatMap(\.lengths) } == indices.map { set.sequences[$0].count })
    #expect(Self.realRows(shards.flatMap { $0 }) == Self.realRows([try set.batch(indices, context: 1)]))
    // A shard of 5 cannot make 6 micro-batches.
    #expect(throws: DatasetError.invalidPartCount(parts: 6, count: 5)) {
      try set.workerMicroBatches(Array(0..<10), workers: 2, microBatchesPerWorker: 6, context: 1)
    }
  }

  // Summed losses, so that the lab's weighting (exercise 6's to write)
  // is not written out in a test that a student's copy ships.
  @Test("padding changes nothing: micro-batch token-loss sums give the whole batch's summed gradient, with LayerNorm too",
    arguments: [nil, Sequential.Norm.layer])
  func paddingChangesNothing(norm: Sequential.Norm?) throws {
    var rng = SplitMix64(seed: 6)
    let set = try SequenceDataset.reberGrammar(count: 16, rng: &rng)
    let model = Sequential.mlp([21, 16, 7], norm: norm, rng: &rng)
    let indices = Array(0..<16)
    let whole = try set.batch(indices, context: 3)
    try crossEntropy(model(whole.inputs), whole.targets, reduction: .sum).backward()
    let reference = model.parameters().map { $0.grad!.data }
    model.zeroGrad()
    let parts = try set.microBatches(indices, parts: 4, context: 3)
    #expect(parts.reduce(0) { $0 + $1.tokenCount } == whole.tokenCount)
    for part in parts {
      try tokenCrossEntropy(model(part.inputs), part.targets).sum.backward()
    }
    for (p, r) in zip(model.parameters(), reference) {
      let error = zip(p.grad!.data, r).map { abs($0 - $1) }.max()!
      #expect(error < 1e-10, "max difference \(error)")
    }
  }

  @Test("with context 1 the inputs reshape to the [batch, time, V] an RNN reads")
  func rnnLayout() throws {
    let batch = try TokenBatch(sequences: Self.pair, vocabularySize: 7, context: 1)
    var rng = SplitMix64(seed: 7)
    let rnn = RNN(inputSize: 7, hiddenSize: 4, outputSize: 7, rng: &rng)
    let states = try rnn.hiddenStates(batch.inputs.reshaped([2, 4, 7]))
    #expect(states.count == 4)
    #expect(states[0].shape == [2, 4])
  }

  @Test("bad batches throw", arguments: [
    ([[0, 1]], 7, 0), ([], 7, 1), ([[0]], 7, 1), ([[0, 7]], 7, 1), ([[0, -1]], 7, 1),
  ] as [([[Int]], Int, Int)])
  func badBatches(sequences: [[Int]], vocabularySize: Int, context: Int) throws {
    #expect(throws: DatasetError.self) {
      try TokenBatch(sequences: sequences, vocabularySize: vocabularySize, context: context)
    }
  }

  @Test("a hand-made set checks its sequences")
  func handMade() throws {
    let set = try SequenceDataset(sequences: Self.pair, vocabulary: ["a", "b", "c", "d", "e", "f", "g"])
    #expect(set.grammarLoss == nil && set.count == 2 && set.vocabularySize == 7)
    #expect(throws: DatasetError.self) { try SequenceDataset(sequences: [[0]], vocabulary: ["a"]) }
    #expect(throws: DatasetError.self) { try SequenceDataset(sequences: [[0, 1]], vocabulary: ["a"]) }
  }
}
