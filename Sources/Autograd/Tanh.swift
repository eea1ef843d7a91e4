// A vectorized tanh. It is the workbook's activation of choice (MLPs and the
// RNN), and libm's scalar tanh took more time than every matmul of an MLP
// step together; this one works on four lanes at once and agrees with libm
// to within a few units in the last place (checked in the tests).

private typealias Lane = SIMD4<Double>

/// tanh of every element.
func tanhValues(_ x: [Double]) -> [Double] {
  [Double](unsafeUninitializedCapacity: x.count) { out, initialized in
    x.withUnsafeBufferPointer { x in
      let source = UnsafeRawPointer(x.baseAddress!), target = UnsafeMutableRawPointer(out.baseAddress!)
      var i = 0
      // Two vectors per iteration: their long polynomial chains are
      // independent, so the CPU overlaps them instead of waiting on one.
      while i + 8 <= x.count {
        let v0 = tanhLanes(source.loadUnaligned(fromByteOffset: i * 8, as: Lane.self))
        let v1 = tanhLanes(source.loadUnaligned(fromByteOffset: (i + 4) * 8, as: Lane.self))
        target.storeBytes(of: v0, toByteOffset: i * 8, as: Lane.self)
        target.storeBytes(of: v1, toByteOffset: (i + 4) * 8, as: Lane.self)
        i += 8
      }
      while i + 4 <= x.count {
        let v = tanhLanes(source.loadUnaligned(fromByteOffset: i * 8, as: Lane.self))
        target.storeBytes(of: v, toByteOffset: i * 8, as: Lane.self)
        i += 4
      }
      if i < x.count {
        // The tail goes through the same lanes, so every element of a
        // tensor gets bit-identical treatment wherever it sits.
        var padded = Lane()
        for l in 0..<(x.count - i) { padded[l] = x[i + l] }
        let v = tanhLanes(padded)
        for l in 0..<(x.count - i) { out[i + l] = v[l] }
      }
    }
    initialized = x.count
  }
}

/// Cephes' method: a rational approximation near zero, where the
/// exponential form would cancel, and 1 − 2/(e^{2|x|} + 1) elsewhere.
@inline(__always)
private func tanhLanes(_ x: Lane) -> Lane {
  let ax = x.replacing(with: -x, where: x .< 0)
  // |x| < 0.625: tanh x = x + x·z·P(z)/Q(z), z = x² (Cephes tanh.c).
  let z = ax * ax
  let p = multiplyAdd(multiplyAdd(Lane(repeating: -9.64399179425052238628e-1), z, Lane(repeating: -9.92877231001918586564e1)), z, Lane(repeating: -1.61468768441708447952e3))
  let q = multiplyAdd(multiplyAdd(z + 1.12811678491632931402e2, z, Lane(repeating: 2.23548839060100448583e3)), z, Lane(repeating: 4.84406305325125486048e3))
  // |x| ≥ 0.625. Past 22, e^{2|x|} would only round the result to 1 anyway.
  let e = expLanes(2 * ax.replacing(with: 22, where: ax .> 22))
  // Both branches as a fraction, so one division serves both:
  // small: (ax·q + ax·z·p) / q;  large: 1 − 2/(e + 1) = (e − 1) / (e + 1).
  let isLarge = ax .>= 0.625
  let numerator = multiplyAdd(ax * z, p, ax * q).replacing(with: e - 1, where: isLarge)
  let denominator = q.replacing(with: e + 1, where: isLarge)
  let magnitude = numerator / denominator
  var result = magnitude.replacing(with: -magnitude, where: x .< 0)
  // NaN in, NaN out (the comparisons above are all false for NaN).
  result.replace(with: x, where: x .!= x)
  return result
}

/// e^x for 0 ≤ x ≤ 44: x = k·ln2 + r with |r| ≤ ln2/2, e^r by its Taylor
/// series to degree 13 (truncation error below 1e-17), times 2^k built in
/// the exponent bits.
@inline(__always)
private func expLanes(_ x: Lane) -> Lane {
  // Adding 1.5·2⁵² rounds to an integer held in the low mantissa bits: a
  // round-to-nearest and an integer conversion in one vector add.
  let shifted = x * 1.4426950408889634 + 6_755_399_441_055_744.0
  let k = shifted - 6_755_399_441_055_744.0
  let r = (x - k * 6.93147180369123816490e-1) - k * 1.90821492927058770002e-10
  // Σ rⁱ/i! for i = 0…13 by Estrin's scheme: pairs, then quads, then
  // octets, so the chain of dependent operations is 4 deep instead of 13.
  @inline(__always) func c(_ v: Double) -> Lane { Lane(repeating: v) }
  let r2 = r * r, r4 = r2 * r2, r8 = r4 * r4
  let q0 = multiplyAdd(r, c(1), c(1))
  let q1 = multiplyAdd(r, c(1.0 / 6), c(0.5))
  let q2 = multiplyAdd(r, c(1.0 / 120), c(1.0 / 24))
  let q3 = multiplyAdd(r, c(1.0 / 5_040), c(1.0 / 720))
  let q4 = multiplyAdd(r, c(1.0 / 362_880), c(1.0 / 40_320))
  let q5 = multiplyAdd(r, c(1.0 / 39_916_800), c(1.0 / 3_628_800))
  let q6 = multiplyAdd(r, c(1.0 / 6_227_020_800), c(1.0 / 479_001_600))
  let s0 = multiplyAdd(q1, r2, q0), s1 = multiplyAdd(q3, r2, q2), s2 = multiplyAdd(q5, r2, q4)
  let t0 = multiplyAdd(s1, r4, s0), t1 = multiplyAdd(q6, r4, s2)
  let poly = multiplyAdd(t1, r8, t0)
  // 2^k: k + 1023 in the exponent field of an IEEE double.
  let kBits = unsafeBitCast(shifted, to: SIMD4<UInt64>.self) &- 0x4338_0000_0000_0000
  let exponent = (kBits &+ 1023) &<< 52
  let scale = unsafeBitCast(exponent, to: Lane.self)
  return poly * scale
}


/// acc·x + y in one rounding where the build has FMA (see Package.swift).
@inline(__always)
private func multiplyAdd(_ a: Lane, _ b: Lane, _ c: Lane) -> Lane {
  #if WORKBOOK_FMA
    return c.addingProduct(a, b)
  #else
    return a * b + c
  #endif
}
