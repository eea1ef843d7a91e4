import Autograd

/// Cuts a data set into batches, one epoch at a time, like PyTorch's
/// `DataLoader`, but reproducibly: the order of an epoch depends only on
/// `(seed, epoch)`, so epoch 3 can be regenerated without replaying epochs
/// 0–2, and two training loops compared side by side see identical batches.
public struct DataLoader {
  public let dataset: Dataset
  public let batchSize: Int
  /// Whether each epoch visits the samples in a fresh random order.
  public let shuffle: Bool
  /// Whether a last batch smaller than `batchSize` is left out, so every
  /// batch has the same size (and the same gradient noise).
  public let dropLast: Bool
  public let seed: UInt64

  /// - Throws: `DatasetError.invalidBatchSize` if `batchSize` is below 1.
  public init(_ dataset: Dataset, batchSize: Int, shuffle: Bool = true, dropLast: Bool = false, seed: UInt64) throws {
    guard batchSize >= 1 else { throw DatasetError.invalidBatchSize(batchSize) }
    self.dataset = dataset
    self.batchSize = batchSize
    self.shuffle = shuffle
    self.dropLast = dropLast
    self.seed = seed
  }

  /// Full batches, plus the partial one unless `dropLast`.
  public var batchesPerEpoch: Int {
    let (full, rest) = dataset.count.quotientAndRemainder(dividingBy: batchSize)
    return full + (rest > 0 && !dropLast ? 1 : 0)
  }

  /// The sample indices of an epoch in visiting order: `0..<count` without
  /// shuffling, else a Fisher–Yates permutation. Batch k of the epoch holds
  /// entries `k·batchSize ..< (k+1)·batchSize` of it.
  ///
  /// The generator is seeded from `(seed, epoch)` through two rounds of
  /// SplitMix64 mixing, not from `seed + epoch`: SplitMix64 streams whose
  /// seeds differ by a multiple of its step constant are the same stream
  /// shifted, and mixing rules such coincidences out.
  public func order(epoch: Int) -> [Int] {
    var indices = Array(0..<dataset.count)
    guard shuffle else { return indices }
    var keyed = SplitMix64(seed: seed)
    var mixer = SplitMix64(seed: keyed.next() ^ UInt64(bitPattern: Int64(epoch)))
    var rng = SplitMix64(seed: mixer.next())
    // Written out rather than `shuffle(using:)`: the standard library does
    // not promise which algorithm that uses, so its order could change.
    for i in stride(from: indices.count - 1, to: 0, by: -1) {
      indices.swapAt(i, rng.int(below: i + 1))
    }
    return indices
  }

  /// The first `count` batches of training, epoch after epoch: for a run
  /// measured in optimizer steps rather than epochs. Empty when an epoch
  /// has no batch at all (`dropLast` with fewer samples than one batch).
  public func batches(count: Int) -> [Batch] {
    guard batchesPerEpoch > 0 else { return [] }
    var out: [Batch] = []
    var epoch = 0
    while out.count < count {
      out += batches(epoch: epoch).prefix(count - out.count)
      epoch += 1
    }
    return out
  }

  /// The epoch's batches in order, each a copy of its samples.
  public func batches(epoch: Int) -> [Batch] {
    let order = order(epoch: epoch)
    return (0..<batchesPerEpoch).map { k in
      let start = k * batchSize
      return dataset.batch(Array(order[start..<min(start + batchSize, order.count)]))
    }
  }
}
