// bfloat16 as autocast(.bfloat16) rounds to it. Swift has no BFloat16
// type, so `FloatFormat.bfloat16.round` is written by hand; it is checked
// here against PyTorch's own conversion (c10/util/BFloat16.h,
// `round_to_nearest_even`), which rounds a float32 by its bit pattern.

import Autograd
import Testing

@Suite("bfloat16: rounding from Double, ties to even, against PyTorch's bit-pattern rounding")
struct BFloat16Tests {
  /// PyTorch's float32 → bfloat16, as c10/util/BFloat16.h writes it: add
  /// 0x7FFF plus the lowest kept bit, then drop the low 16 bits. NaN is
  /// handled first there, as here.
  static func pytorchRound(_ f: Float) -> Double {
    if f.isNaN { return .nan }
    let bits = f.bitPattern
    let rounded = (bits &+ 0x7FFF &+ ((bits >> 16) & 1)) >> 16
    return Double(Float(bitPattern: rounded << 16))
  }

  /// `x` as a float32, rounded to odd: toward zero, then the last bit set
  /// if anything was cut off. A float32 has 16 more bits than a bfloat16,
  /// so rounding this to bfloat16 by nearest-even gives exactly the
  /// bfloat16 nearest to `x` itself (the round-to-odd rule: no double
  /// rounding once the intermediate has two or more extra bits).
  static func float32RoundedToOdd(_ x: Double) -> Float {
    var f = Float(x)
    if f.isInfinite || Swift.abs(Double(f)) > Swift.abs(x) {
      f = x > 0 ? (f.isInfinite ? .greatestFiniteMagnitude : f.nextDown) : (f.isInfinite ? -.greatestFiniteMagnitude : f.nextUp)
    }
    return Double(f) == x ? f : Float(bitPattern: f.bitPattern | 1)
  }

  /// Values of every magnitude bfloat16 has and beyond, 2⁻¹⁵⁰ to 2¹²⁹,
  /// both signs: a quarter exactly half-way between two bfloat16 values
  /// (where ties to even decides), a quarter float32 bit patterns whose
  /// low 16 bits are random (what a GPU converts), the rest any Double.
  static func samples(seed: UInt64, count: Int) -> [Double] {
    let format = FloatFormat.bfloat16
    var rng = SplitMix64(seed: seed)
    return (0..<count).map { i in
      let sign: Double = rng.int(below: 2) == 0 ? 1 : -1
      let exponent = rng.int(below: 280) - 150
      switch i % 4 {
      case 0:
        let spacing = Double(sign: .plus, exponent: max(exponent, -126) - format.fractionBits, significand: 1)
        return sign * (Double(rng.int(below: 256)) + 0.5) * spacing
      case 1:
        return Double(Float(bitPattern: UInt32(truncatingIfNeeded: rng.next())))
      default:
        return sign * Double(sign: .plus, exponent: exponent, significand: 1 + rng.uniform())
      }
    }
  }

  @Test("Rounding from Double agrees with PyTorch's on 20,000 values per seed", arguments: [1, 2, 3, 4] as [UInt64])
  func matchesPyTorch(_ seed: UInt64) {
    let values = Self.samples(seed: seed, count: 20_000)
    let mismatches = values.filter { x in
      let mine = FloatFormat.bfloat16.round(x)
      let theirs = Self.pytorchRound(Self.float32RoundedToOdd(x))
      return mine.isNaN ? !theirs.isNaN : mine.bitPattern != theirs.bitPattern
    }
    #expect(
      mismatches.count == 0,
      "\(mismatches.count) of \(values.count) differ, e.g. \(mismatches.prefix(3).map { "\($0) → \(FloatFormat.bfloat16.round($0))" })")
  }

  @Test("Exact float32 inputs round as PyTorch rounds them, with no round-to-odd in between", arguments: [5, 6] as [UInt64])
  func float32Inputs(_ seed: UInt64) {
    var rng = SplitMix64(seed: seed)
    let floats = (0..<10_000).map { _ in Float(bitPattern: UInt32(truncatingIfNeeded: rng.next())) }
    let mismatches = floats.filter { f in
      let mine = FloatFormat.bfloat16.round(Double(f)), theirs = Self.pytorchRound(f)
      return mine.isNaN ? !theirs.isNaN : mine.bitPattern != theirs.bitPattern
    }
    #expect(mismatches.count == 0, "\(mismatches.count) differ, e.g. \(mismatches.prefix(3))")
  }

  @Test("Limits: the largest finite value, the smallest normal and subnormal, ties at each", arguments: [
    // (2 − 2⁻⁷) × 2¹²⁷ ≈ 3.39e38 is the largest; half a step above it ties
    // to even, which is 2¹²⁸: infinity. Below the tie it stays.
    (0x1.FEp127, 0x1.FEp127), (0x1.FFp127, .infinity), (0x1.FEFFFFFFp127, 0x1.FEp127), (-0x1.FFp127, -.infinity),
    (0x1p128, .infinity), (.greatestFiniteMagnitude, .infinity),
    // The smallest normal 2⁻¹²⁶, the smallest subnormal 2⁻¹³³, half of it
    // (a tie, to 0) and just above half (up to 2⁻¹³³).
    (0x1p-126, 0x1p-126), (0x1p-133, 0x1p-133), (0x1p-134, 0), (-0x1p-134, -0.0), (0x1.0001p-134, 0x1p-133),
    (0x1p-140, 0), (0x1.8p-133, 0x1p-132), (0x1.4p-132, 0x1p-132),
    // Seven bits after the point: 1 + 2⁻⁸ is a tie and goes to 1 (even);
    // 1 + 3 × 2⁻⁸ goes to 1 + 2⁻⁶ (even); 0.1 and π as PyTorch rounds them.
    (1 + 0x1p-8, 1), (1 + 0x1.8p-7, 1 + 0x1p-6), (1 + 0x1p-7, 1 + 0x1p-7), (0.1, 0x1.9Ap-4), (3.14159265, 3.140625),
    // What float16 cannot hold: 65520 (inf there) and 1e-9 (0 there).
    (65520, 65536), (1e-9, 0x1.12p-30),
  ] as [(Double, Double)])
  func limits(_ x: Double, _ expected: Double) {
    let rounded = FloatFormat.bfloat16.round(x)
    #expect(rounded.bitPattern == expected.bitPattern, "bfloat16 of \(x) = \(rounded), expected \(expected)")
  }

  @Test("The format's constants")
  func constants() {
    let format = FloatFormat.bfloat16
    #expect(format.greatestFinite == 0x1.FEp127)
    #expect(abs(format.greatestFinite - 3.3895e38) < 1e34)
    #expect(format.leastNormal == 0x1p-126)
    #expect(format.leastSubnormal == 0x1p-133)
    #expect(FloatFormat.float16.greatestFinite == 65504)
    #expect(FloatFormat.float16.leastNormal == 0x1p-14)
    #expect(FloatFormat.float16.leastSubnormal == 0x1p-24)
  }

  /// NaNs whose payload sits anywhere: in the high bits a float32 keeps,
  /// or only in the low 16 bits, where dropping the bits without care
  /// would leave the pattern of infinity.
  static let nans: [Double] = [
    .nan, -.nan, .signalingNaN, Double(bitPattern: 0x7FF0_0000_0000_0001), Double(bitPattern: 0xFFF8_0000_DEAD_BEEF),
    Double(Float(bitPattern: 0x7F80_0001)), Double(Float(bitPattern: 0x7FC0_0000)), Double(Float(bitPattern: 0xFF80_FFFF)),
  ]

  @Test("NaN stays NaN whatever its payload; infinities and zeros keep their sign", arguments: nans + [0, -0.0, .infinity, -.infinity])
  func specials(_ x: Double) {
    for format in [FloatFormat.bfloat16, .float16] {
      let rounded = format.round(x)
      if x.isNaN {
        #expect(rounded.isNaN, "\(format) turned a NaN into \(rounded)")
      } else {
        #expect(rounded.bitPattern == x.bitPattern)
      }
    }
  }

  @Test("What float16 loses to 0 or to infinity, bfloat16 keeps to 2 or 3 digits", arguments: [
    2.5e-8, 1e-9, 1e-20, 1e-35, -1e-8, 7e4, 1e10, -3e38,
  ])
  func rangeOfBFloat16(_ x: Double) {
    let half = FloatFormat.float16.round(x), brain = FloatFormat.bfloat16.round(x)
    #expect(half == 0 || half.isInfinite)
    #expect(brain.isFinite && abs(brain - x) <= abs(x) * 0x1p-8)
  }
}
