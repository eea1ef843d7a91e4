// float16 as autocast(.float16) rounds to it: the rounding to IEEE
// binary16, checked value by value and against Swift's Float16 where it
// exists. What autocast does with it is in AutocastTests.

import Autograd
import Testing

@Suite("Half precision: rounding to binary16, ties to even")
struct HalfPrecisionTests {
  // MARK: The rounding

  @Test("Values round to the nearest half, ties to even", arguments: [
    // The largest finite half, and what still rounds down to it.
    (65504, 65504), (65519, 65504), (-65519, -65504),
    // Half-way to 65536 (the next power of two) ties to even: infinity.
    (65520, .infinity), (-65520, -.infinity), (1e6, .infinity), (.greatestFiniteMagnitude, .infinity),
    // The smallest subnormal, 2^-24 ≈ 5.96e-8, and values near it: 2^-25
    // ≈ 2.98e-8 is half-way to 0 and ties to it, anything above goes up.
    (6e-8, 0x1p-24), (0x1p-24, 0x1p-24), (0x1p-25, 0), (-0x1p-25, -0.0), (0x1.8p-25, 0x1p-24), (1e-9, 0),
    // Subnormals tie to even too: 1.5 × 2^-24 → 2 × 2^-24, 2.5 × 2^-24 → 2 × 2^-24.
    (0x1.8p-24, 0x1p-23), (0x1.4p-23, 0x1p-23),
    // The smallest normal, and the largest subnormal.
    (0x1p-14, 0x1p-14), (0x1.ff8p-15, 0x1.ff8p-15),
    // Normal numbers keep 10 bits after the point: 1 + 2^-11 is half-way
    // between 1 and 1 + 2^-10, and ties to 1; 1 + 3 × 2^-11 ties to 1 + 2^-9.
    (1 + 0x1p-11, 1), (1 + 0x1.8p-10, 1 + 0x1p-9), (1 + 0x1p-10, 1 + 0x1p-10), (1 + 0x1.1p-11, 1 + 0x1p-10),
    (2049, 2048), (2051, 2052), (0.1, 0x1.998p-4), (-3.14159, -3.140625),
  ] as [(Double, Double)])
  func rounds(_ x: Double, _ expected: Double) {
    let rounded = Half.round(x)
    #expect(rounded.bitPattern == expected.bitPattern, "Half.round(\(x)) = \(rounded), expected \(expected)")
  }

  @Test("Every multiple of 2^-24 up to 2^-14 is a subnormal half and stays as it is")
  func subnormalsStay() {
    let changed = (1...1024).filter { k in Half.round(Double(k) * 0x1p-24) != Double(k) * 0x1p-24 }
    #expect(changed.isEmpty, "k × 2^-24 changed for k in \(changed.prefix(5))")
  }

  @Test("NaN stays NaN, and zeros keep their sign", arguments: [Double.nan, -Double.nan, 0, -0.0, .infinity, -.infinity])
  func specials(_ x: Double) {
    let rounded = Half.round(x)
    if x.isNaN {
      #expect(rounded.isNaN)
    } else {
      #expect(rounded.bitPattern == x.bitPattern)
    }
  }

  #if !(os(macOS) && arch(x86_64))
    /// Random values of every magnitude half precision has and beyond:
    /// exponents 2^-30 to 2^17, both signs, and values exactly half-way
    /// between two halves (where ties to even decides).
    static func samples(seed: UInt64, count: Int) -> [Double] {
      var rng = SplitMix64(seed: seed)
      return (0..<count).map { i in
        let exponent = rng.int(below: 48) - 30
        let sign: Double = rng.int(below: 2) == 0 ? 1 : -1
        if i % 4 == 0 {
          // k + 1/2 steps of the spacing at this exponent: a tie.
          let spacing = Double(sign: .plus, exponent: max(exponent, -14) - 10, significand: 1)
          let k = Double(rng.int(below: 2048))
          return sign * (k + 0.5) * spacing
        }
        return sign * Double(sign: .plus, exponent: exponent, significand: 1 + rng.uniform())
      }
    }

    @Test("Half.round agrees with Swift's Float16 on random values of every magnitude", arguments: [1, 2, 3] as [UInt64])
    func matchesFloat16(_ seed: UInt64) {
      let mismatches = Self.samples(seed: seed, count: 20_000).filter { x in
        Half.round(x).bitPattern != Double(Float16(x)).bitPattern
      }
      #expect(
        mismatches.isEmpty,
        "\(mismatches.count) differ, e.g. \(mismatches.prefix(3).map { "\($0): \(Half.round($0)) vs \(Double(Float16($0)))" })")
    }
  #endif
}
