import Autograd

extension Batch {
  /// `parts` micro-batches of sizes as equal as possible, the earlier ones
  /// one larger when `count` does not divide (numpy's `array_split`): 10
  /// samples into 3 parts gives 4, 3, 3.
  ///
  /// Unequal parts are the interesting case for accumulation: averaging the
  /// parts' mean losses weights a sample of a small part more than one of a
  /// large part, which is why a correct loop weights by `part.count / count`.
  ///
  /// - Throws: `DatasetError.invalidPartCount` unless `parts` is in
  ///   `1...count`, since an empty micro-batch has no mean loss.
  public func split(into parts: Int) throws -> [Batch] {
    try split(sizes: arraySplitSizes(count: count, parts: parts))
  }

  /// Consecutive micro-batches of the given sizes, in order.
  ///
  /// - Throws: `DatasetError.nonPositiveSize` for a size below 1, and
  ///   `DatasetError.sizesDoNotAddUp` unless the sizes sum to `count`: a
  ///   split that dropped or repeated samples would silently change the
  ///   gradient being accumulated.
  public func split(sizes: [Int]) throws -> [Batch] {
    if let position = sizes.firstIndex(where: { $0 < 1 }) {
      throw DatasetError.nonPositiveSize(sizes: sizes, position: position)
    }
    let total = sizes.reduce(0, +)
    guard total == count else {
      throw DatasetError.sizesDoNotAddUp(sizes: sizes, total: total, count: count)
    }
    var start = 0
    return sizes.map { size in
      defer { start += size }
      return Batch(checked: inputs.rows(start..<(start + size)), targets: targets.rows(start..<(start + size)))
    }
  }

  /// The batches' samples one after another: the inverse of `split`, exact
  /// to the bit, so tests can check that a split lost nothing.
  ///
  /// - Throws: `DatasetError.nothingToConcatenate` for an empty list, and
  ///   `DatasetError.shapeMismatch` when a batch's per-sample input or
  ///   target shape differs from the first batch's.
  public static func concatenated(_ batches: [Batch]) throws -> Batch {
    guard let first = batches.first else { throw DatasetError.nothingToConcatenate }
    for (position, batch) in batches.enumerated().dropFirst() {
      if batch.inputs.sampleShape != first.inputs.sampleShape {
        throw DatasetError.shapeMismatch(
          call: "Batch.concatenated (inputs)", position: position,
          shape: batch.inputs.sampleShape, expected: first.inputs.sampleShape)
      }
      if batch.targets.sampleShape != first.targets.sampleShape {
        throw DatasetError.shapeMismatch(
          call: "Batch.concatenated (targets)", position: position,
          shape: batch.targets.sampleShape, expected: first.targets.sampleShape)
      }
    }
    return Batch(
      checked: Tensor.joinRows(batches.map(\.inputs)),
      targets: Tensor.joinRows(batches.map(\.targets)))
  }
}
