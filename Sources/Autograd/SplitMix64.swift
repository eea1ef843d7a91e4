/// The one source of randomness in the workbook.
///
/// Every random choice (initial weights, datasets, shuffling) draws from a
/// `SplitMix64` built from an explicit seed, so a seed reproduces a run bit for
/// bit on every machine. The system generator is never used: its sequence is
/// not specified and differs between platforms.
///
///     var rng = SplitMix64(seed: 42)
///     let w = rng.normal(mean: 0, std: 0.1)
public struct SplitMix64: RandomNumberGenerator, Sendable {
  public private(set) var state: UInt64

  public init(seed: UInt64) { state = seed }

  public mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// A double in [0, 1) built from the top 53 bits, so every value is exact.
  public mutating func uniform() -> Double {
    Double(next() >> 11) * 0x1.0p-53
  }

  /// A double in [low, high).
  public mutating func uniform(_ low: Double, _ high: Double) -> Double {
    low + (high - low) * uniform()
  }

  /// A normal sample by Box–Muller. Written out rather than taken from
  /// Foundation so the numbers do not depend on the platform's libm choices
  /// beyond `log`, `sqrt` and `cos`.
  public mutating func normal(mean: Double = 0, std: Double = 1) -> Double {
    let u1 = 1 - uniform()  // in (0, 1], so log is finite
    let u2 = uniform()
    return mean + std * (-2 * Foundation.log(u1)).squareRoot() * Foundation.cos(2 * Double.pi * u2)
  }

  /// An integer in 0..<upperBound without modulo bias.
  public mutating func int(below upperBound: Int) -> Int {
    precondition(upperBound > 0, "int(below:) needs a positive bound")
    // Lemire's multiply-and-reject, written out so the sequence does not
    // depend on the standard library's unspecified `next(upperBound:)`.
    let bound = UInt64(upperBound)
    let threshold = (0 &- bound) % bound
    while true {
      let (high, low) = next().multipliedFullWidth(by: bound)
      if low >= threshold { return Int(high) }
    }
  }

  /// An independent generator for a sub-task, so that adding draws in one
  /// place does not shift the numbers of another (e.g. data vs. weights).
  public mutating func split() -> SplitMix64 {
    SplitMix64(seed: next())
  }
}

import Foundation
