/// A 16-bit binary floating-point format, simulated on `Double`: what
/// mixed precision stores activations and gradients in.
///
/// The two that autocast uses differ in where they spend their bits:
///
/// | format   | exponent | fraction | largest  | least normal | least subnormal |
/// |----------|----------|----------|----------|--------------|-----------------|
/// | float16  | 5 bits   | 10 bits  | 65504    | 2⁻¹⁴         | 2⁻²⁴ ≈ 5.96e-8  |
/// | bfloat16 | 8 bits   | 7 bits   | ≈ 3.39e38 | 2⁻¹²⁶       | 2⁻¹³³ ≈ 9.2e-41 |
///
/// float16 (IEEE binary16) keeps three more bits of precision; bfloat16
/// keeps float32's 8 exponent bits, so it has float32's range: a gradient
/// that float16 turns into 0 or infinity is an ordinary bfloat16 number.
public struct FloatFormat: Sendable, Equatable, CustomStringConvertible {
  /// PyTorch's name for it: "float16" or "bfloat16".
  public let name: String
  public let exponentBits: Int
  /// The mantissa bits stored after the leading 1.
  public let fractionBits: Int

  /// IEEE 754 binary16, `torch.float16`.
  public static let float16 = FloatFormat(name: "float16", exponentBits: 5, fractionBits: 10)
  /// Google Brain's bfloat16, `torch.bfloat16`: float32 with its lower 16
  /// bits dropped (after rounding).
  public static let bfloat16 = FloatFormat(name: "bfloat16", exponentBits: 8, fractionBits: 7)

  public var description: String { name }

  /// The largest exponent of a finite value: 15, or 127.
  var maxExponent: Int { (1 << (exponentBits - 1)) - 1 }
  /// The smallest exponent of a normal value: −14, or −126.
  var minExponent: Int { 1 - maxExponent }

  /// `(2 − 2^−fractionBits) × 2^maxExponent`: 65504, or ≈ 3.39e38.
  public var greatestFinite: Double {
    Double(sign: .plus, exponent: maxExponent, significand: 2 - Double(sign: .plus, exponent: -fractionBits, significand: 1))
  }
  /// 2⁻¹⁴, or 2⁻¹²⁶.
  public var leastNormal: Double { Double(sign: .plus, exponent: minExponent, significand: 1) }
  /// 2⁻²⁴, or 2⁻¹³³: the spacing of the subnormals.
  public var leastSubnormal: Double { Double(sign: .plus, exponent: minExponent - fractionBits, significand: 1) }

  /// `x` rounded to the nearest value of this format, ties to even, as a
  /// conversion into it rounds. Overflow gives ±infinity, underflow ±0 (the
  /// sign kept), NaN stays NaN.
  ///
  /// Written out rather than taken from the platform: Swift has no
  /// bfloat16, and its `Float16` is missing on some platforms (the tests
  /// compare this with `Float16` where it exists, and with PyTorch's own
  /// bfloat16 rounding, `round_to_nearest_even` in c10/util/BFloat16.h).
  ///
  /// It rounds from `Double` in one step. A GPU rounds float32 values,
  /// which are already rounded once; here `Double` stands in for float32.
  public func round(_ x: Double) -> Double {
    guard x.isFinite else { return x }
    let magnitude = Swift.abs(x)
    if magnitude == 0 { return x }
    // The spacing of the format's values around `magnitude`: 2^(e − f) in
    // the binade of exponent e, and the subnormals' fixed spacing below the
    // smallest normal. Dividing and multiplying by a power of two is exact,
    // so the only rounding is the one to a whole number, ties to even.
    let exponent = max(Int(magnitude.exponent), minExponent)
    let spacing = Double(sign: .plus, exponent: exponent - fractionBits, significand: 1)
    let rounded = (magnitude / spacing).rounded(.toNearestOrEven) * spacing
    // Past the largest finite value the next step up would be 2^(max + 1),
    // which the format cannot hold: infinity.
    let result = rounded > greatestFinite ? Double.infinity : rounded
    return x < 0 ? -result : result
  }
}

/// IEEE binary16 ("half precision", fp16) by the short names the
/// mixed-precision code and its texts were first written with.
public enum Half {
  /// The largest finite half-precision value, 65504.
  public static let greatestFinite = FloatFormat.float16.greatestFinite
  /// The smallest positive half-precision value, 2⁻²⁴ ≈ 5.96e-8. Anything
  /// at or below half of it, 2⁻²⁵ ≈ 2.98e-8, rounds to 0.
  public static let leastSubnormal = FloatFormat.float16.leastSubnormal
  /// The smallest positive normal half-precision value, 2⁻¹⁴ ≈ 6.10e-5.
  public static let leastNormal = FloatFormat.float16.leastNormal

  /// `x` rounded to binary16, ties to even: `FloatFormat.float16.round`.
  public static func round(_ x: Double) -> Double { FloatFormat.float16.round(x) }
}
