import Foundation

/// `values` with NaN after its end up to `count` entries, for charts: the
/// x axis then spans every planned step, and a run that stopped early
/// visibly stops short. (Files keep the real length: a step never computed
/// is an empty cell, not a NaN.)
func padded(_ values: [Double], to count: Int) -> [Double] {
  values + [Double](repeating: .nan, count: max(0, count - values.count))
}

/// The trailing mean of the last `window` values at every step (fewer at
/// the start). Batch losses are noisy; the mean of a few batches shows the
/// trend without hiding a divergence: a NaN stays NaN.
func smoothed(_ values: [Double], window: Int) -> [Double] {
  let window = max(window, 1)
  // Summed afresh for every step: a running sum would carry the rounding
  // of a 1e300 that has left the window into every later value.
  return values.indices.map { i in
    let recent = values[max(0, i - window + 1)...i]
    return recent.reduce(0, +) / Double(recent.count)
  }
}

/// The first step (1-based) whose value is above `limit`, if any.
func firstStep(_ values: [Double], above limit: Double) -> Int? {
  values.firstIndex { !($0 <= limit) }.map { $0 + 1 }
}

/// Seconds since `start`, for the timing line every demo closes with.
func elapsed(since start: Date) -> Double { Date().timeIntervalSince(start) }

/// `items` in consecutive groups of `size`, the last one possibly shorter:
/// the windows of the demos' own accumulation loops.
func windows<T>(of items: [T], size: Int) -> [[T]] {
  stride(from: 0, to: items.count, by: max(size, 1)).map { Array(items[$0..<Swift.min($0 + max(size, 1), items.count)]) }
}
