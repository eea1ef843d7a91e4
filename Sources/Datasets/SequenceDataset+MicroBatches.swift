import Autograd

extension SequenceDataset {
  /// Sequences `indices` cut into `parts` consecutive micro-batches, as
  /// equal in number of sequences as possible (numpy's `array_split`, as
  /// `Batch.split(into:)`), each padded to its *own* longest sequence.
  ///
  /// The micro-batches hold the same number of sequences but not of
  /// tokens: that difference is what token-weighted accumulation is about.
  /// Together they hold exactly `batch(indices, context:)`'s real tokens,
  /// in order; only the padding differs.
  ///
  /// - Throws: `DatasetError.invalidPartCount` unless `parts` is in
  ///   `1...indices.count`, and what `batch(_:context:)` throws.
  public func microBatches(_ indices: [Int], parts: Int, context: Int) throws -> [TokenBatch] {
    var start = 0
    return try arraySplitSizes(count: indices.count, parts: parts).map { size in
      defer { start += size }
      return try batch(Array(indices[start..<(start + size)]), context: context)
    }
  }

  /// A data-parallel split: sequences `indices` cut into `workers`
  /// consecutive shards (`array_split` again), and each shard into
  /// `microBatchesPerWorker` micro-batches with `microBatches(_:parts:context:)`.
  /// `result[w][j]` is worker w's j-th micro-batch.
  ///
  /// The shards are contiguous (PyTorch's `DistributedSampler` strides
  /// instead; either way each worker gets its own sequences): reading
  /// the result worker by worker, micro-batch by micro-batch gives
  /// `indices` in order, so the large batch over all workers is
  /// `batch(indices, context:)`.
  ///
  /// - Throws: `DatasetError.invalidPartCount` unless `workers` is in
  ///   `1...indices.count` and every shard has at least
  ///   `microBatchesPerWorker` sequences.
  public func workerMicroBatches(
    _ indices: [Int], workers: Int, microBatchesPerWorker: Int, context: Int
  ) throws -> [[TokenBatch]] {
    var start = 0
    return try arraySplitSizes(count: indices.count, parts: workers).map { size in
      defer { start += size }
      return try microBatches(Array(indices[start..<(start + size)]), parts: microBatchesPerWorker, context: context)
    }
  }
}
