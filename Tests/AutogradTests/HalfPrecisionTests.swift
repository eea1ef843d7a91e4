// Half precision as exercise 5 simulates it: the rounding to IEEE binary16
// itself, checked value by value and against Swift's Float16 where it
// exists; underflow and overflow where backward() stores gradients under
// autocast; and, with autocast off, the Double engine unchanged.

import Autograd
import Testing

@Suite("Half precision: rounding to binary16, and gradients under autocast")
struct HalfPrecisionTests {
  // MARK: The rounding

  @Test("Values round to the nearest half, ties to even", arguments: [
    // The largest finite half, and what still rounds down to it.
    (65504, 65504), (65519, 65504), (-65519, -65504),
    // Half-way to 65536 (the next power of two) ties to even: infinity.
    (65520, .infinity), (-65520, -.infinity), (1e6, .infinity), (.greatestFiniteMagnitude, .infinity),
    // The smallest subnormal, 2^-24 ≈ 5.96e-8, and values near it.
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

  // MARK: Gradients under autocast

  /// The gradient of `sum(w ⊙ x) × factor` with respect to `w`, for
  /// w = [1, 1, 1], x = [1e-3, 0.5, 3]: `factor × x`.
  static func gradient(factor: Double) throws -> [Double] {
    let w = Tensor([1, 1, 1], requiresGrad: true)
    let x = Tensor([1e-3, 0.5, 3])
    try ((w * x).sum() * factor).backward()
    return try #require(w.grad).data
  }

  @Test("Under autocast a tiny loss scale underflows: the small gradients become 0")
  func underflow() throws {
    // 1e-3 × 2^-20 ≈ 9.5e-10 and 0.5 × 2^-20 ≈ 4.8e-7: the first is below
    // half of 2^-24 and becomes 0, the second survives as a subnormal.
    let half = try autocast { try Self.gradient(factor: 0x1p-20) }
    #expect(half[0] == 0)
    #expect(half[1] == Half.round(0.5 * 0x1p-20) && half[1] > 0)
    // In Double nothing is lost.
    #expect(try Self.gradient(factor: 0x1p-20)[0] == 1e-3 * 0x1p-20)
    // A tiny enough scale zeroes them all.
    #expect(try autocast { try Self.gradient(factor: 1e-12) } == [0, 0, 0])
  }

  @Test("Under autocast a huge loss scale overflows: the large gradients become infinite")
  func overflow() throws {
    // 3 × 2^15 = 98304 > 65504; 0.5 × 2^15 = 16384 fits.
    let half = try autocast { try Self.gradient(factor: 0x1p15) }
    #expect(half[2] == .infinity)
    #expect(half[1] == 16384)
    let negative = try autocast { try Self.gradient(factor: -0x1p15) }
    #expect(negative[2] == -.infinity)
    #expect(try Self.gradient(factor: 0x1p15)[2] == 98304)
  }

  /// The `.grad` of a leaf of zeros after one backward() per gradient
  /// given, under autocast or not.
  static func accumulated(_ gradients: [[Double]], half: Bool) throws -> [Double] {
    let v = Tensor.zeros([gradients[0].count], requiresGrad: true)
    try autocast(half) {
      for g in gradients { try (v * 1.0).backward(gradient: Tensor(g)) }
    }
    return try #require(v.grad).data
  }

  @Test("Under autocast each contribution is rounded, and so is the sum kept in .grad")
  func accumulationRounded() throws {
    // 1 + 2^-12 is no half: it arrives as 1.
    #expect(try Self.accumulated([[1 + 0x1p-12]], half: true) == [1])
    // 2048 and 1 are halves, their sum 2049 is not (the spacing at 2048
    // is 2) and ties to even, 2048; 40000 twice overflows.
    #expect(try Self.accumulated([[2048, 40000], [1, 40000]], half: true) == [2048, .infinity])
    // In Double both are kept.
    #expect(try Self.accumulated([[2048, 40000], [1, 40000]], half: false) == [2049, 80000])
  }

  // MARK: Autocast off

  /// Every gradient of a small MLP's loss, after two backward() calls
  /// that accumulate.
  static func mlpGradients() throws -> [[Double]] {
    var rng = SplitMix64(seed: 9)
    let model = MLP([3, 5, 2], rng: &rng)
    let x = Tensor.randn([4, 3], rng: &rng)
    let y = Tensor.randn([4, 2], rng: &rng)
    for factor in [1.0, 0x1p-30] {
      try (mse(model(x), y) * factor).backward()
    }
    return model.parameters().map { $0.grad!.data }
  }

  @Test("With autocast off, backward() gives the Double gradients bit for bit")
  func offIsDouble() throws {
    let plain = try Self.mlpGradients()
    let off = try autocast(false) { try Self.mlpGradients() }
    let nestedOff = try autocast { try autocast(false) { try Self.mlpGradients() } }
    let bits = { (grads: [[Double]]) in grads.map { $0.map(\.bitPattern) } }
    #expect(bits(off) == bits(plain))
    #expect(bits(nestedOff) == bits(plain))
    // The switch is what changes them.
    #expect(try bits(autocast { try Self.mlpGradients() }) != bits(plain))
    // Off, the sum is a Double sum: 1 + 2^-30 is kept, as before autocast
    // existed (half precision keeps 11 significant bits).
    #expect(try Self.accumulated([[1], [0x1p-30]], half: false) == [1 + 0x1p-30])
  }

  @Test("autocast is off by default and only inside its block")
  func scoped() {
    #expect(!Autocast.isEnabled)
    autocast {
      #expect(Autocast.isEnabled)
      autocast(false) { #expect(!Autocast.isEnabled) }
      #expect(Autocast.isEnabled)
    }
    #expect(!Autocast.isEnabled)
  }
}
