import Measures

/// A list of values per parameter (gradients or parameters), whole or as a
/// short digest.
///
/// A long training run records a digest of each step, so an observation
/// (and the answer data a handout ships) stays small; a short one records
/// every value, so a message can show them.
public enum Snapshot: Codable, Sendable {
  case full([[Double]])
  /// The L2 norm, then the dot products with `Snapshot.directionCount`
  /// fixed pseudo-random unit-scale directions. Two vectors that differ
  /// differ in these too, except by a vanishing chance. A vector with an
  /// inf or NaN adds where they are (`nonFinitePattern`).
  case digest([Double])

  /// How many directions a digest projects on.
  public static let directionCount = 4

  public init(_ values: [[Double]], whole: Bool) {
    self = whole ? .full(values) : .digest(Snapshot.digest(of: values))
  }

  /// The values laid end to end: every value, or the digest's numbers.
  public var flat: [Double] {
    switch self {
    case let .full(values): return values.flatMap { $0 }
    case let .digest(numbers): return numbers
    }
  }

  /// The values, when they were kept whole.
  public var values: [[Double]]? {
    if case let .full(values) = self { return values }
    return nil
  }

  /// The L2 norm of the values (the digest's first number).
  public var norm: Double {
    switch self {
    case let .full(values): return Compare.norm(values)
    case let .digest(numbers): return numbers.first ?? 0
    }
  }

  /// How many bits of the non-finite entries' places a digest keeps.
  static let patternBits = 32

  static func digest(of values: [[Double]]) -> [Double] {
    let numbers = [Compare.norm(values)] + Compare.signProjections(values, count: directionCount)
    return Compare.allFinite(values) ? numbers : numbers + nonFinitePattern(values.flatMap { $0 })
  }

  /// Where `values` hold an inf, a -inf or a NaN, hashed, spelled as
  /// `patternBits` infinities (+∞ for a 1, −∞ for a 0). Without it every
  /// vector with a NaN would have the same digest (the norm and every
  /// projection NaN), and a clipping recorded for one gradient that
  /// overflowed would be handed back for another. Infinities because
  /// `Agreement` compares them exactly and leaves them out of the
  /// relative distance of the finite numbers.
  static func nonFinitePattern(_ values: [Double]) -> [Double] {
    var hash: UInt64 = 0xCBF2_9CE4_8422_2325
    for (i, x) in values.enumerated() where !x.isFinite {
      let kind: UInt64 = x.isNaN ? 3 : x > 0 ? 1 : 2
      // FNV-1a over the place and the kind.
      for byte in [UInt64(i) & 0xFF, (UInt64(i) >> 8) & 0xFF, (UInt64(i) >> 16) & 0xFF, kind] {
        hash = (hash ^ byte) &* 0x100_0000_01B3
      }
    }
    return (0..<patternBits).map { (hash >> UInt64($0)) & 1 == 1 ? .infinity : -.infinity }
  }
}
