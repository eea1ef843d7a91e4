import Autograd
import Testing
@testable import Datasets

/// One loader configuration, named in the test report when it fails.
struct LoaderCase: Sendable, CustomTestStringConvertible {
  let shuffle: Bool
  let dropLast: Bool
  let batchSize: Int

  var testDescription: String { "shuffle: \(shuffle), dropLast: \(dropLast), batchSize: \(batchSize)" }

  /// Shuffle on/off × dropLast on/off × batch sizes for 10 samples: 1, one
  /// that divides (5), two that do not (3, 4), all of it (10) and more (16).
  static let all: [LoaderCase] = [false, true].flatMap { shuffle in
    [false, true].flatMap { dropLast in
      [1, 3, 4, 5, 10, 16].map { LoaderCase(shuffle: shuffle, dropLast: dropLast, batchSize: $0) }
    }
  }
}

@Suite("DataLoader")
struct DataLoaderTests {
  static let count = 10

  @Test("an epoch visits every kept sample exactly once, in full batches but maybe the last", arguments: LoaderCase.all)
  func coverage(_ c: LoaderCase) throws {
    let loader = try DataLoader(
      indexedDataset(count: Self.count), batchSize: c.batchSize, shuffle: c.shuffle, dropLast: c.dropLast, seed: 1)
    let batches = loader.batches(epoch: 0)
    let ids = batches.flatMap(sampleIDs)
    let kept = c.dropLast ? Self.count - Self.count % c.batchSize : Self.count

    #expect(batches.count == loader.batchesPerEpoch)
    #expect(ids.count == kept)
    #expect(Set(ids).count == ids.count, "a sample came twice: \(ids)")
    if !c.dropLast { #expect(Set(ids) == Set(0..<Self.count)) }
    if !c.shuffle { #expect(ids == Array(0..<kept)) }
    #expect(batches.dropLast().allSatisfy { $0.count == c.batchSize })
    if let last = batches.last { #expect(c.dropLast ? last.count == c.batchSize : last.count <= c.batchSize) }
    #expect(batches.allSatisfy(rowsMatchTargets))
  }

  @Test(
    "dropLast drops only the partial last batch",
    arguments: [(3, [3, 3, 3, 1], [3, 3, 3]), (5, [5, 5], [5, 5]), (16, [10], [])])
  func dropLastSizes(batchSize: Int, keep: [Int], drop: [Int]) throws {
    let set = indexedDataset(count: Self.count)
    let keeping = try DataLoader(set, batchSize: batchSize, dropLast: false, seed: 2)
    let dropping = try DataLoader(set, batchSize: batchSize, dropLast: true, seed: 2)
    #expect(keeping.batches(epoch: 0).map(\.count) == keep)
    #expect(dropping.batches(epoch: 0).map(\.count) == drop)
    #expect(keeping.batchesPerEpoch == keep.count)
    #expect(dropping.batchesPerEpoch == drop.count)
    // Dropping the tail must not change what comes before it.
    #expect(dropping.order(epoch: 0) == keeping.order(epoch: 0))
  }

  @Test("two epochs visit the samples in different orders")
  func epochsDiffer() throws {
    let loader = try DataLoader(indexedDataset(count: 50), batchSize: 8, seed: 3)
    #expect(loader.order(epoch: 0) != loader.order(epoch: 1))
    #expect(loader.batches(epoch: 0).flatMap(sampleIDs) != loader.batches(epoch: 1).flatMap(sampleIDs))
  }

  @Test("an epoch's order depends only on the seed and the epoch", arguments: [0, 1, 7])
  func reproducible(epoch: Int) throws {
    let set = indexedDataset(count: 50)
    let a = try DataLoader(set, batchSize: 8, seed: 3)
    let b = try DataLoader(set, batchSize: 8, seed: 3)
    let other = try DataLoader(set, batchSize: 8, seed: 4)
    #expect(a.order(epoch: epoch) == b.order(epoch: epoch))
    #expect(a.batches(epoch: epoch).flatMap(sampleIDs) == b.batches(epoch: epoch).flatMap(sampleIDs))
    #expect(a.order(epoch: epoch) != other.order(epoch: epoch))
    #expect(a.order(epoch: epoch) != Array(0..<50))
  }

  @Test("without shuffling every epoch is in index order", arguments: [0, 1, 2])
  func unshuffled(epoch: Int) throws {
    let loader = try DataLoader(indexedDataset(count: Self.count), batchSize: 4, shuffle: false, seed: 3)
    #expect(loader.order(epoch: epoch) == Array(0..<Self.count))
  }

  @Test("a batch size below 1 throws, naming it", arguments: [0, -2])
  func badBatchSize(batchSize: Int) throws {
    let error = #expect(throws: DatasetError.invalidBatchSize(batchSize)) {
      try DataLoader(indexedDataset(count: 4), batchSize: batchSize, seed: 0)
    }
    #expect(error?.description == "DataLoader(batchSize: \(batchSize)): the batch size must be at least 1")
  }
}

@Suite("DataLoader: batches by count")
struct DataLoaderCountTests {
  @Test("batches(count:) continues into the next epoch in that epoch's order", arguments: [1, 3, 4, 9])
  func countSpansEpochs(_ count: Int) throws {
    var rng = SplitMix64(seed: 5)
    let data = try Dataset(inputs: .randn([10, 2], rng: &rng), targets: .randn([10, 1], rng: &rng))
    let loader = try DataLoader(data, batchSize: 4, dropLast: true, seed: 9)
    let expected = Array((loader.batches(epoch: 0) + loader.batches(epoch: 1) + loader.batches(epoch: 2)
      + loader.batches(epoch: 3) + loader.batches(epoch: 4)).prefix(count))
    let got = loader.batches(count: count)
    #expect(got.count == count)
    #expect(got.map(\.inputs.data) == expected.map(\.inputs.data))
  }

  @Test("batches(count:) is empty, not endless, when an epoch has no batch")
  func noBatchPerEpoch() throws {
    var rng = SplitMix64(seed: 5)
    let data = try Dataset(inputs: .randn([3, 2], rng: &rng), targets: .randn([3, 1], rng: &rng))
    let loader = try DataLoader(data, batchSize: 4, dropLast: true, seed: 9)
    #expect(loader.batches(count: 5).isEmpty)
  }
}
