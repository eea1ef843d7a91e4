/// IEEE binary16 ("half precision", fp16), as mixed-precision training
/// stores gradients, simulated on `Double`.
///
/// Half precision has 10 bits of mantissa and 5 of exponent: its largest
/// finite value is 65504, its smallest positive (subnormal) 2⁻²⁴ ≈ 5.96e-8.
/// Anything larger rounds to infinity (overflow); anything under half of
/// 2⁻²⁴ rounds to zero (underflow). That second fact is why mixed precision
/// needs a loss scale: late in training many gradient entries are that
/// small and silently become 0.
public enum Half {
  /// The largest finite half-precision value.
  public static let greatestFinite = 65504.0
  /// The smallest positive half-precision value, 2⁻²⁴.
  public static let leastSubnormal = 0x1p-24
  /// The smallest positive normal half-precision value, 2⁻¹⁴.
  public static let leastNormal = 0x1p-14

  /// `x` rounded to the nearest half-precision value, ties to even, as a
  /// conversion to binary16 rounds: written out, so it is the same on every
  /// platform (Swift's `Float16` is missing on some; the tests compare the
  /// two where it exists).
  public static func round(_ x: Double) -> Double {
    guard x.isFinite else { return x }
    let magnitude = Swift.abs(x)
    if magnitude == 0 { return x }
    // The spacing of half values around `magnitude`: 2^(e−10) in the binade
    // of exponent e, and the subnormal spacing 2⁻²⁴ below 2⁻¹⁴. Dividing
    // and multiplying by a power of two is exact, so the only rounding is
    // the one to an integer, which ties to even.
    let exponent = max(Int(magnitude.exponent), -14)
    let spacing = Double(sign: .plus, exponent: exponent - 10, significand: 1)
    let rounded = (magnitude / spacing).rounded(.toNearestOrEven) * spacing
    let result = rounded > greatestFinite ? Double.infinity : rounded
    return x < 0 ? -result : result
  }
}

/// Where `backward()` stores gradients: in `Double`, or rounded to half
/// precision, as under PyTorch's `torch.autocast` with float16.
///
/// A task-local, like `GradMode`, so parallel tests each have their own.
public enum Autocast {
  @TaskLocal public static var isEnabled = false
}

/// Runs `body` with gradients stored in half precision, like
/// `with torch.autocast(device_type="cuda", dtype=torch.float16):`.
///
/// Inside, `backward()` works in half precision: every gradient it
/// computes on the way through the graph, every value it adds into a
/// leaf's `.grad` and the sum it keeps there are rounded to half
/// precision. A value above 65504 becomes infinity, one below about 3e-8
/// becomes 0, and in a deep network the gradient of the early layers,
/// which shrinks layer by layer, can vanish entirely. What code writes into
/// `.grad` itself (unscaling, clipping) and the weights stay in `Double`,
/// the role fp32 "master" weights play in real mixed precision. The forward
/// pass is not rounded.
public func autocast<R>(_ enabled: Bool = true, _ body: () throws -> R) rethrows -> R {
  try Autocast.$isEnabled.withValue(enabled, operation: body)
}
