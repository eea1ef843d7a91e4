// Optimizer updates against hand-computed values (PyTorch's formulas). The
// expected numbers were worked out with the formulas written in each
// comment; the tolerance 1e-12 is relative to max(1, |value|).

import Autograd
import Foundation
import Testing

/// Gives `p` the gradient `g`, as a backward pass would.
private func setGrad(_ p: Tensor, _ g: [Double]) {
  p.grad = Tensor(g, shape: p.shape)
}

private let tolerance = 1e-12

@Suite("Optimizers")
struct OptimizerTests {
  // MARK: SGD

  @Test("SGD step is p − lr·g")
  func sgdPlain() {
    let p = Tensor([1.0, -2.0, 0.5], requiresGrad: true)
    setGrad(p, [0.1, -0.3, 2.0])
    SGD([p], lr: 0.1).step()
    #expect(isClose(p.data, [0.99, -1.97, 0.3], tolerance: tolerance))
  }

  @Test("SGD momentum over 3 steps follows PyTorch: v ← μv + g (v = g at first), p ← p − lr·v")
  func sgdMomentum() {
    let p = Tensor([1.0, -2.0], requiresGrad: true)
    let sgd = SGD([p], lr: 0.1, momentum: 0.9)
    // v1 = g1 = [0.5, −1]            p1 = [0.95, −1.9]
    // v2 = 0.9·v1 + [0.25, 0.5] = [0.7, −0.4]     p2 = [0.88, −1.86]
    // v3 = 0.9·v2 + [−1, 2] = [−0.37, 1.64]       p3 = [0.917, −2.024]
    let grads: [[Double]] = [[0.5, -1.0], [0.25, 0.5], [-1.0, 2.0]]
    let expected: [[Double]] = [[0.95, -1.9], [0.88, -1.86], [0.917, -2.024]]
    for (g, e) in zip(grads, expected) {
      setGrad(p, g)
      sgd.step()
      #expect(isClose(p.data, e, tolerance: tolerance), "got \(p.data), expected \(e)")
    }
  }

  @Test("SGD weight decay adds wd·p to the gradient: p − lr·(g + wd·p)")
  func sgdWeightDecay() {
    let p = Tensor([1.0, -2.0], requiresGrad: true)
    setGrad(p, [0.5, 0.5])
    SGD([p], lr: 0.1, weightDecay: 0.1).step()
    #expect(isClose(p.data, [0.94, -2.03], tolerance: tolerance))

    // With momentum the decayed gradient is what enters the buffer.
    let q = Tensor([1.0], requiresGrad: true)
    let sgd = SGD([q], lr: 0.1, momentum: 0.5, weightDecay: 0.1)
    setGrad(q, [1.0])
    sgd.step()  // d = 1 + 0.1·1 = 1.1, v = 1.1, q = 0.89
    setGrad(q, [1.0])
    sgd.step()  // d = 1 + 0.089 = 1.089, v = 0.55 + 1.089 = 1.639, q = 0.89 − 0.1639 = 0.7261
    #expect(isClose(q.data, [0.7261], tolerance: tolerance))
  }

  // MARK: Adam

  @Test("Adam's first two steps match PyTorch's formulas with bias correction")
  func adamTwoSteps() {
    // m ← β1·m + (1−β1)·g, v ← β2·v + (1−β2)·g², p ← p − lr·(m/(1−β1ᵗ)) / (√(v/(1−β2ᵗ)) + ε)
    // with lr 0.1, β = (0.9, 0.999), ε = 1e-8. Step 1 moves every element
    // with g ≠ 0 by lr·g/(|g| + ε) ≈ ±lr; a zero gradient leaves it.
    let p = Tensor([1.0, -2.0, 0.5], requiresGrad: true)
    let adam = Adam([p], lr: 0.1)
    setGrad(p, [0.5, -1.0, 0.0])
    adam.step()
    #expect(isClose(p.data, [0.900000002, -1.900000001, 0.5], tolerance: tolerance))
    // Step 2, g = [0.1, 2, −0.3]: m = [0.055, 0.11, −0.03], v = [0.00034975, 0.003999, 0.00009],
    // m̂ = m/0.19, v̂ = v/0.001999.
    setGrad(p, [0.1, 2.0, -0.3])
    adam.step()
    #expect(isClose(p.data, [0.8196959063846517, -1.9366103534720749, 0.5744136788496809], tolerance: tolerance))
  }

  @Test("Adam with weightDecay adds wd·p to the gradient (L2)")
  func adamL2() {
    let p = Tensor([1.0, -2.0], requiresGrad: true)
    let adam = Adam([p], lr: 0.1, weightDecay: 0.1)
    setGrad(p, [0.5, -1.0])
    adam.step()
    #expect(isClose(p.data, [0.9000000016666666, -1.9000000008333333], tolerance: tolerance))
    setGrad(p, [0.1, 2.0])
    adam.step()
    #expect(isClose(p.data, [0.8136483454297575, -1.9250178784643248], tolerance: tolerance))
  }

  @Test("AdamW decays the weights directly: p ← p·(1 − lr·wd), then the Adam step")
  func adamW() {
    let p = Tensor([1.0, -2.0], requiresGrad: true)
    let adamW = AdamW([p], lr: 0.1, weightDecay: 0.1)
    #expect(adamW.decoupled)
    setGrad(p, [0.5, -1.0])
    adamW.step()
    #expect(isClose(p.data, [0.890000002, -1.880000001], tolerance: tolerance))
    setGrad(p, [0.1, 2.0])
    adamW.step()
    #expect(isClose(p.data, [0.8007959063646517, -1.897810353462075], tolerance: tolerance))
    #expect(AdamW([p]).weightDecay == 0.01)  // PyTorch's default
  }

  @Test("with a zero gradient AdamW shrinks p in proportion, Adam + L2 moves every weight by ≈ lr")
  func adamWVersusL2() {
    // Adam normalizes the L2 term wd·p away: its step is lr·sign(p) whatever
    // wd is. AdamW's decay is not normalized: p·(1 − lr·wd).
    let l2 = Tensor([2.0, -4.0], requiresGrad: true)
    let decoupled = Tensor([2.0, -4.0], requiresGrad: true)
    setGrad(l2, [0, 0])
    setGrad(decoupled, [0, 0])
    Adam([l2], lr: 0.1, weightDecay: 0.5).step()
    AdamW([decoupled], lr: 0.1, weightDecay: 0.5).step()
    #expect(isClose(l2.data, [1.900000001, -3.9000000005], tolerance: tolerance))
    #expect(isClose(decoupled.data, [1.9, -3.8], tolerance: tolerance))
  }

  // MARK: Skipping

  @Test("parameters without a gradient are skipped", arguments: ["SGD", "SGD momentum", "Adam", "AdamW"])
  func skipsWithoutGrad(_ kind: String) {
    let p = Tensor([1.0, 2.0], requiresGrad: true)
    let q = Tensor([3.0, 4.0], requiresGrad: true)
    let optimizer: any Optimizer
    switch kind {
    case "SGD": optimizer = SGD([p, q], lr: 0.1, weightDecay: 0.1)
    case "SGD momentum": optimizer = SGD([p, q], lr: 0.1, momentum: 0.9)
    case "Adam": optimizer = Adam([p, q], lr: 0.1, weightDecay: 0.1)
    default: optimizer = AdamW([p, q], lr: 0.1, weightDecay: 0.1)
    }
    setGrad(p, [1, 1])
    optimizer.step()
    #expect(q.data == [3.0, 4.0])  // exact: untouched, not even decayed
    #expect(p.data != [1.0, 2.0])
    optimizer.zeroGrad()
    #expect(p.grad == nil && q.grad == nil)
    optimizer.step()  // nothing has a gradient: nothing moves
    #expect(q.data == [3.0, 4.0])
  }

  @Test("a parameter Adam skipped gets a first step later, with its own bias correction (PyTorch's per-parameter step)")
  func adamPerParameterStep() {
    let p = Tensor([1.0], requiresGrad: true)
    let q = Tensor([1.0], requiresGrad: true)
    let adam = Adam([p, q], lr: 0.1)
    setGrad(p, [0.5])
    adam.step()  // q has no gradient yet
    setGrad(p, [0.5])
    setGrad(q, [0.5])
    adam.step()
    // q's first step: m̂ = g, v̂ = g², so q moves by lr·g/(|g| + ε).
    #expect(isClose(q.data, [1 - 0.1 * 0.5 / (0.5 + 1e-8)], tolerance: tolerance), "q = \(q.data)")
  }

  @Test("an optimizer step with momentum is like PyTorch even across a skipped step")
  func momentumAcrossSkip() {
    let p = Tensor([0.0], requiresGrad: true)
    let sgd = SGD([p], lr: 1, momentum: 0.5)
    setGrad(p, [1])
    sgd.step()  // v = 1, p = −1
    p.zeroGrad()
    sgd.step()  // skipped: no gradient
    setGrad(p, [1])
    sgd.step()  // v = 0.5 + 1, p = −2.5
    #expect(isClose(p.data, [-2.5], tolerance: tolerance))
  }

  // MARK: Warmup

  @Test("LinearWarmup: lr = base·min(1, (step + 1)/warmup), the first step not 0")
  func linearWarmup() {
    let p = Tensor([0.0], requiresGrad: true)
    let sgd = SGD([p], lr: 0.1)
    let warmup = LinearWarmup(sgd, warmupSteps: 4)
    #expect(warmup.baseLR == 0.1)
    var seen: [Double] = []
    for _ in 0..<6 {
      seen.append(sgd.learningRate)
      setGrad(p, [1])
      sgd.step()
      warmup.step()
    }
    #expect(isClose(seen, [0.025, 0.05, 0.075, 0.1, 0.1, 0.1], tolerance: tolerance), "\(seen)")
    #expect(isClose(warmup.learningRate(at: 0), 0.025, tolerance: tolerance))
    #expect(isClose(warmup.learningRate(at: 100), 0.1, tolerance: tolerance))
    #expect(warmup.stepCount == 6)
    // The steps used those rates: p = −(0.025 + 0.05 + 0.075 + 0.1 + 0.1 + 0.1).
    #expect(isClose(p.data, [-0.45], tolerance: tolerance))
  }

  @Test("LinearWarmup with one warmup step is the base rate from the start")
  func warmupOfOne() {
    let adam = Adam([Tensor([0.0], requiresGrad: true)], lr: 0.01)
    let warmup = LinearWarmup(adam, warmupSteps: 1)
    #expect(isClose(adam.learningRate, 0.01, tolerance: tolerance))
    warmup.step()
    #expect(isClose(adam.learningRate, 0.01, tolerance: tolerance))
  }

  // MARK: Accumulation

  @Test("accumulating 4 micro-batches of a mean loss, each scaled by 1/4, gives the full batch's gradient")
  func gradientAccumulation() throws {
    var rng = SplitMix64(seed: 31)
    let model = MLP([2, 8, 3], rng: &rng)
    let x = Tensor.randn([16, 2], rng: &rng)
    let labels = Tensor((0..<16).map { Double($0 % 3) })
    try softmaxCrossEntropy(model(x), labels).backward()
    let full = try model.parameters().map { try #require($0.grad).data }
    model.zeroGrad()
    for k in 0..<4 {
      let xb = try x.slice(axis: 0, (4 * k)..<(4 * k + 4)).detach()
      let yb = try labels.slice(axis: 0, (4 * k)..<(4 * k + 4))
      try (softmaxCrossEntropy(model(xb), yb) / 4.0).backward()
    }
    let accumulated = try model.parameters().map { try #require($0.grad).data }
    for (a, f) in zip(accumulated, full) {
      #expect(isClose(a, f, tolerance: 1e-12))
    }
  }
}
