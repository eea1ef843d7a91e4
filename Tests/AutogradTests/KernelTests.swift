// The numeric kernels seen through the public ops: matmul against a plain
// triple loop for shapes that reach every path of a tiled kernel (full
// tiles, ragged rows and columns, k = 0), and tanh against libm.

import Autograd
import Foundation
import Testing

/// C = A·B by the textbook triple loop, summing in p order.
private func naiveMatmul(_ a: [Double], _ b: [Double], m: Int, k: Int, n: Int) -> [Double] {
  var c = [Double](repeating: 0, count: m * n)
  for i in 0..<m {
    for j in 0..<n {
      var s = 0.0
      for p in 0..<k { s += a[i * k + p] * b[p * n + j] }
      c[i * n + j] = s
    }
  }
  return c
}

@Suite("Kernels")
struct KernelTests {
  /// (m, k, n): tiles of 4×8 and their ragged edges on each side, and
  /// narrow results (n < 8) with 16 or more rows or inputs, which go through
  /// the transposed paths (a classifier's output layer).
  static let matmulShapes: [[Int]] = [
    [1, 1, 1], [1, 4, 16], [4, 2, 8], [5, 3, 9], [3, 5, 7], [8, 8, 8], [9, 7, 17], [4, 1, 3], [7, 13, 24],
    [2, 0, 3], [0, 3, 2], [3, 2, 0], [32, 20, 3], [17, 24, 1], [40, 16, 5],
  ]

  @Test("matmul forward and both gradients agree with a triple loop", arguments: matmulShapes)
  func matmulMatchesReference(_ mkn: [Int]) throws {
    let (m, k, n) = (mkn[0], mkn[1], mkn[2])
    var rng = SplitMix64(seed: seed(for: "\(mkn)"))
    let a = Tensor.randn([m, k], rng: &rng, requiresGrad: true)
    let b = Tensor.randn([k, n], rng: &rng, requiresGrad: true)
    let g = Tensor.randn([m, n], rng: &rng)
    let c = try a.matmul(b)
    #expect(c.shape == [m, n])
    // Sums of at most 40 products of N(0,1) values: rounding and fused
    // multiply-adds move a result by a few ulps of the summands, ≤ 1e-13.
    let tolerance = 1e-13
    #expect(isClose(c.data, naiveMatmul(a.data, b.data, m: m, k: k, n: n), tolerance: tolerance))
    try c.backward(gradient: g)
    // dA = G·Bᵀ, dB = Aᵀ·G.
    let bT = (0..<(n * k)).map { idx in b.data[(idx % k) * n + idx / k] }
    let aT = (0..<(k * m)).map { idx in a.data[(idx % m) * k + idx / m] }
    #expect(isClose(try #require(a.grad).data, naiveMatmul(g.data, bT, m: m, k: n, n: k), tolerance: tolerance))
    #expect(isClose(try #require(b.grad).data, naiveMatmul(aT, g.data, m: k, k: m, n: n), tolerance: tolerance))
  }

  @Test("a larger matmul gradient check (tiles and edges): [6, 5]·[5, 11]")
  func largerMatmulGradCheck() throws {
    try GradCase("matmul [6, 5]·[5, 11]", [input([6, 5]), input([5, 11])]) { try $0[0].matmul($0[1]) }.check()
  }

  @Test("matmul propagates NaN: 0·NaN is NaN, forward and backward", arguments: [1, 8, 9])  // ragged, tiled, both
  func matmulNaN(_ n: Int) throws {
    let a = Tensor(rows: [[0, 1]])
    let b = Tensor(Array(repeating: .nan, count: n) + Array(repeating: 1, count: n), shape: [2, n])
    #expect(try a.matmul(b).data.allSatisfy { $0.isNaN })
    // A zero activation times a NaN upstream gradient must not vanish from
    // the weight gradient: the clipping exercises look for non-finite ones.
    let w = Tensor.ones([2, n], requiresGrad: true)
    try Tensor(rows: [[0, 1]]).matmul(w).backward(gradient: Tensor(Array(repeating: .nan, count: n), shape: [1, n]))
    #expect(try #require(w.grad).data.allSatisfy { $0.isNaN })
  }

  /// Values where a tanh implementation changes method or saturates.
  static let tanhPoints: [Double] = [
    0, -0.0, 1e-300, .leastNonzeroMagnitude, 1e-8, -1e-5, 0.1, 0.5, 0.624999, 0.625, 0.625001, -0.625, 1, 2, 5, 10, 18, 19.06, 21.9,
    22, 22.1, 30, 300, -300, 710, -710, .greatestFiniteMagnitude, .infinity, -.infinity,
  ]

  @Test("tanh agrees with libm within 4 ulps, keeps signs and saturates at ±1")
  func tanhAccuracy() throws {
    var rng = SplitMix64(seed: 8)
    let sweep = (0..<2_000).map { _ in rng.uniform(-25, 25) } + (0..<500).map { _ in rng.uniform(-1, 1) }
    let xs = Self.tanhPoints + sweep
    let ys = try Tensor(xs).tanh().data
    for (x, y) in zip(xs, ys) {
      let expected = Foundation.tanh(x)
      // 4 units in the last place of the exact value: libm itself is
      // within 1, so this allows a few ulps of the engine's own.
      #expect(abs(y - expected) <= 4 * expected.ulp, "tanh(\(x)) = \(y), libm \(expected)")
      #expect(y.sign == x.sign || y == 0, "tanh(\(x)) = \(y) has the wrong sign")
      #expect(abs(y) <= 1)
    }
    #expect(try Tensor([.nan]).tanh().data[0].isNaN)
  }

  @Test("tanh of a value does not depend on where it sits in the tensor")
  func tanhPositionIndependent() throws {
    let values: [Double] = [0.3, -1.7, 0.61, 4.2, -0.01]
    let alone = try values.map { try Tensor([$0]).tanh().item() }
    for length in 1...9 {
      var rng = SplitMix64(seed: UInt64(length))
      for position in 0..<length {
        var data = (0..<length).map { _ in rng.normal() }
        for (v, a) in zip(values, alone) {
          data[position] = v
          let y = try Tensor(data).tanh().data[position]
          #expect(y.bitPattern == a.bitPattern, "tanh(\(v)) at \(position) of \(length): \(y) vs \(a)")  // bit-identity
        }
      }
    }
  }
}
