/// The sizes of `parts` consecutive runs of `count` items, as equal as
/// possible, the earlier ones one larger when `parts` does not divide
/// `count` (numpy's `array_split`): 10 into 3 gives 4, 3, 3.
///
/// - Throws: `DatasetError.invalidPartCount` unless `parts` is in
///   `1...count`: an empty part has no mean loss and no token to count.
func arraySplitSizes(count: Int, parts: Int) throws -> [Int] {
  guard parts >= 1, parts <= count else {
    throw DatasetError.invalidPartCount(parts: parts, count: count)
  }
  let (base, extra) = count.quotientAndRemainder(dividingBy: parts)
  return (0..<parts).map { $0 < extra ? base + 1 : base }
}
