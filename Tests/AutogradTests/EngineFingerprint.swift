// One number for everything the engine computes in Double: every op and
// module, forward and backward, accumulation and an optimizer step, folded
// into a hash of their bit patterns. Mixed precision was added to an
// engine that already existed; this pins what the engine computed before,
// so autocast off provably computes the same bits.

import Autograd
import Foundation

enum EngineFingerprint {
  /// FNV-1a over the bit patterns of `values`, in order.
  static func hash(_ values: [Double], into state: inout UInt64) {
    for v in values {
      var bits = v.bitPattern
      for _ in 0..<8 {
        state = (state ^ (bits & 0xFF)) &* 0x100_0000_01B3
        bits >>= 8
      }
    }
  }

  /// Every op of the engine on seeded data: their outputs, a loss made of
  /// all of them, two backward() calls that accumulate, and an AdamW step;
  /// then an MLP (tanh and relu, cross-entropy) and an RNN (MSE).
  static func compute() throws -> UInt64 {
    var state: UInt64 = 0xCBF2_9CE4_8422_2325
    var rng = SplitMix64(seed: 14)
    let a = Tensor.randn([3, 4], rng: &rng, requiresGrad: true)
    let b = Tensor.randn([4, 5], rng: &rng, requiresGrad: true)
    let c = Tensor.uniform([3, 5], low: 0.5, high: 2, rng: &rng, requiresGrad: true)
    let bias = Tensor.randn([5], rng: &rng, requiresGrad: true)
    let target = Tensor.randn([3, 5], rng: &rng)
    for factor in [1.0, 0.25] {
      let product = try a.matmul(b) + bias
      let pieces: [Tensor] = [
        product, try product.tanh(), try product.sigmoid(), try product.relu(), try c.log(), try c.exp(),
        try c.pow(1.5), try c.square(), try product / c, try product - c, try product * c, try -product,
        try c.sum(axis: 0), try c.mean(axis: 1), try product.transposed(), try product.reshaped([5, 3]),
        try product.slice(axis: 1, 1..<3), try product.select(axis: 0, index: 2),
        try Tensor.concat([product, c], axis: 0), try Tensor.stack([product, c], axis: 1),
      ]
      var total = try mse(product, target) + softmaxCrossEntropy(product, Tensor([0, 4, 2]))
      for piece in pieces {
        hash(piece.data, into: &state)
        total = try total + piece.mean()
      }
      hash(total.data, into: &state)
      try (total * factor).backward()
    }
    for t in [a, b, c, bias] { hash(t.grad?.data ?? [], into: &state) }
    AdamW([a, b, c, bias], lr: 0.01).step()
    for t in [a, b, c, bias] { hash(t.data, into: &state) }

    let mlp = MLP([2, 16, 16, 3], activation: .tanh, rng: &rng)
    let relu = MLP([2, 8, 3], activation: .relu, rng: &rng)
    let x = Tensor.randn([32, 2], rng: &rng)
    let labels = Tensor((0..<32).map { Double($0 % 3) })
    try softmaxCrossEntropy(mlp(x), labels).backward()
    try softmaxCrossEntropy(relu(x), labels, reduction: .sum).backward()
    let rnn = RNN(inputSize: 2, hiddenSize: 8, outputSize: 1, recurrentInit: .orthogonal(gain: 1.3), rng: &rng)
    let sequence = Tensor.randn([4, 6, 2], rng: &rng)
    try mse(rnn(sequence), Tensor.randn([4, 1], rng: &rng)).backward()
    for model in [mlp, relu, rnn] as [any Module] {
      for p in model.parameters() { hash(p.grad?.data ?? [], into: &state) }
      Adam(model.parameters(), lr: 0.01).step()
      for p in model.parameters() { hash(p.data, into: &state) }
    }
    return state
  }
}
