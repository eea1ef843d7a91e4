// How backward() behaves beyond the numbers of one op: accumulation, reuse of
// a node, freed graphs, noGrad, detach, zeroGrad, and the errors.

import Autograd
import Foundation
import Testing

@Suite("Backward behaviour")
struct BackwardBehaviourTests {
  @Test("relu's gradient at exactly 0 is 0 (the documented choice, as in PyTorch)")
  func reluAtZero() throws {
    let x = Tensor([-1, 0, 1], requiresGrad: true)
    try x.relu().sum().backward()
    #expect(try #require(x.grad).data == [0, 0, 1])  // exact: 0 and 1 are the point
  }

  @Test("two backward passes without zeroGrad leave the sum of both gradients")
  func accumulation() throws {
    let x = Tensor([0.5, -1.5], requiresGrad: true)
    let w = Tensor([2.0, 3.0], requiresGrad: true)
    try (x * w).sum().backward()
    let xOnce = try #require(x.grad).data, wOnce = try #require(w.grad).data
    try (x * w).sum().backward()
    #expect(isClose(try #require(x.grad).data, xOnce.map { 2 * $0 }, tolerance: 1e-15))
    #expect(isClose(try #require(w.grad).data, wOnce.map { 2 * $0 }, tolerance: 1e-15))

    // Different losses add up too: d/dx [sum(x·w) + sum(x²)] = w + 2x.
    x.zeroGrad()
    try (x * w).sum().backward()
    try x.square().sum().backward()
    #expect(isClose(try #require(x.grad).data, [2 + 2 * 0.5, 3 + 2 * -1.5], tolerance: 1e-15))
  }

  @Test("a tensor used twice gets both contributions", arguments: [
    ("a + a", 2.0), ("a * a", 2 * 1.5), ("a * a * a", 3 * 1.5 * 1.5),
  ])
  func usedTwice(_ expression: String, _ expected: Double) throws {
    let a = Tensor(scalar: 1.5, requiresGrad: true)
    let y: Tensor
    switch expression {
    case "a + a": y = try a + a
    case "a * a": y = try a * a
    default: y = try a * a * a
    }
    try y.backward()
    #expect(isClose(try #require(a.grad).item(), expected, tolerance: 1e-15))
  }

  @Test("a diamond: one intermediate feeding two branches gets both")
  func diamond() throws {
    let x = Tensor(scalar: 0.3, requiresGrad: true)
    let h = try x.exp()
    try (h.square() + h.tanh()).backward()
    // d/dx = e^x · (2e^x + 1 − tanh²(e^x))
    let e = Foundation.exp(0.3), t = Foundation.tanh(e)
    let expected = e * (2 * e + 1 - t * t)
    #expect(isClose(try #require(x.grad).item(), expected, tolerance: 1e-12))
  }

  @Test("backward twice on the same graph throws backwardFailed")
  func backwardTwice() throws {
    let x = Tensor([1, 2], requiresGrad: true)
    let loss = try (x * 3.0).sum()
    try loss.backward()
    let error = #expect(throws: TensorError.self) { try loss.backward() }
    guard case .backwardFailed(let detail)? = error else {
      Issue.record("expected backwardFailed, got \(String(describing: error))")
      return
    }
    #expect(detail.contains("freed"))
    // The first pass's gradient is untouched by the failed second one.
    #expect(isClose(try #require(x.grad).data, [3, 3], tolerance: 1e-15))
  }

  @Test("backward through part of a graph freed by another loss throws")
  func sharedGraphFreed() throws {
    let x = Tensor([1, 2], requiresGrad: true)
    let h = try x.tanh()
    try h.sum().backward()
    #expect(throws: TensorError.self) { try (h * 2.0).sum().backward() }
  }

  @Test("backward on a non-scalar without a gradient argument throws backwardFailed")
  func nonScalarNeedsGradient() throws {
    let y = try Tensor([1, 2, 3], requiresGrad: true) * 2.0
    let error = #expect(throws: TensorError.self) { try y.backward() }
    guard case .backwardFailed(let detail)? = error else {
      Issue.record("expected backwardFailed, got \(String(describing: error))")
      return
    }
    #expect(detail.contains("[3]"))
  }

  @Test("a one-element non-scalar tensor seeds with 1")
  func oneElementSeeds() throws {
    let x = Tensor([2.0], requiresGrad: true)
    try x.square().backward()
    #expect(isClose(try #require(x.grad).data, [4], tolerance: 1e-15))
  }

  @Test("a gradient argument of the wrong shape throws shapeMismatch naming backward")
  func wrongSeedShape() throws {
    let y = try Tensor([1, 2, 3], requiresGrad: true) * 2.0
    let error = #expect(throws: TensorError.self) { try y.backward(gradient: Tensor([1, 1])) }
    #expect(error == .shapeMismatch(op: "backward", lhs: [3], rhs: [2], detail: "the gradient must have the tensor's shape"))
  }

  @Test("backward on a tensor that does not require grad throws")
  func noGradRoot() {
    #expect(throws: TensorError.self) { try Tensor([1, 2]).sum().backward() }
  }

  @Test("inside noGrad results do not require grad and record nothing")
  func noGradBlock() throws {
    let w = Tensor([1, 2], requiresGrad: true)
    let y = try noGrad { try (w * 3.0).tanh().sum() }
    #expect(!y.requiresGrad)
    #expect(y.isLeaf)
    #expect(throws: TensorError.self) { try y.backward() }
    // Recording resumes after the block.
    let z = try (w * 3.0).sum()
    #expect(z.requiresGrad)
    #expect(!z.isLeaf)
    // noGrad nests and returns its body's value.
    #expect(try noGrad { try noGrad { try (w + w).requiresGrad } } == false)
  }

  @Test("noGrad records nothing in the memory meter")
  func noGradNoMemory() throws {
    let meter = MemoryMeter()
    let w = Tensor.ones([100], requiresGrad: true)
    let y = try meter.measure { try noGrad { try (w * 2.0).exp().sum() } }
    #expect(meter.peakBytes == 0)
    #expect(isClose(y.item(), 100 * 7.38905609893065, tolerance: 1e-12))
  }

  @Test("detach() gives a leaf with the same values that stops the gradient")
  func detach() throws {
    let x = Tensor([1, 2, 3], requiresGrad: true)
    let h = try x.square()
    let d = h.detach()
    #expect(!d.requiresGrad)
    #expect(d.isLeaf)
    #expect(d.shape == h.shape)
    #expect(d.data == h.data)  // exact: a copy of the values
    // d/dx [detach(x²) · x] = x² only.
    try (d * x).sum().backward()
    #expect(isClose(try #require(x.grad).data, [1, 4, 9], tolerance: 1e-15))
    // Writing to the copy leaves the original alone.
    d.data[0] = 100
    #expect(h.data[0] == 1)
  }

  @Test("zeroGrad() sets grad to nil; zeroGrad(setToNone: false) to zeros")
  func zeroGrad() throws {
    let x = Tensor([1, 2], requiresGrad: true)
    try x.sum().backward()
    #expect(x.grad != nil)
    x.zeroGrad()
    #expect(x.grad == nil)
    try x.sum().backward()
    x.zeroGrad(setToNone: false)
    #expect(try #require(x.grad).data == [0, 0])  // exact zeros are the point

    var rng = SplitMix64(seed: 1)
    let model = MLP([2, 3, 1], rng: &rng)
    try model(Tensor.ones([1, 2])).sum().backward()
    #expect(model.parameters().allSatisfy { $0.grad != nil })
    model.zeroGrad()
    #expect(model.parameters().allSatisfy { $0.grad == nil })
  }

  @Test("leaves and recorded tensors")
  func leaves() throws {
    let a = Tensor([1, 2], requiresGrad: true)
    let b = Tensor([3, 4])
    #expect(a.isLeaf && b.isLeaf)
    #expect(try !(a + b).isLeaf)
    #expect(try (a + b).requiresGrad)
    #expect(try !(b * 2.0).requiresGrad)  // no input requires grad: nothing recorded
    #expect(try (b * 2.0).isLeaf)
  }

  @Test("forward values of the ops")
  func forwardValues() throws {
    let a = Tensor(rows: [[1, 2, 3], [4, 5, 6]])
    #expect(try (a + Tensor([10, 20, 30])).data == [11, 22, 33, 14, 25, 36])
    #expect(try (a - Tensor(rows: [[1], [2]])).data == [0, 1, 2, 2, 3, 4])
    #expect(try a.matmul(Tensor(rows: [[1], [0], [-1]])).data == [-2, -2])
    #expect(try a.transposed().data == [1, 4, 2, 5, 3, 6])
    #expect(try a.sum(axis: 0).data == [5, 7, 9])
    #expect(try a.sum(axis: -1).data == [6, 15])
    #expect(isClose(try a.mean().item(), 3.5, tolerance: 1e-15))
    #expect(try a.slice(axis: 1, 1..<3).data == [2, 3, 5, 6])
    #expect(try a.select(axis: 1, index: 0).data == [1, 4])
    #expect(try Tensor.concat([a, a], axis: 1).shape == [2, 6])
    #expect(try Tensor.stack([a, a], axis: 1).data == [1, 2, 3, 1, 2, 3, 4, 5, 6, 4, 5, 6])
    #expect(try a.reshaped([3, -1]).shape == [3, 2])
    #expect(isClose(try mse(a, Tensor.zeros([2, 3])).item(), 91.0 / 6, tolerance: 1e-15))
    #expect(isClose(try mse(a, Tensor.zeros([2, 3]), reduction: .sum).item(), 91, tolerance: 1e-15))
    // log(1 + e + e²) − 2 for the last class of [0, 1, 2].
    let ce = try softmaxCrossEntropy(Tensor(rows: [[0, 1, 2]]), Tensor([2]))
    #expect(isClose(ce.item(), 0.40760596444437555, tolerance: 1e-14))
    #expect(isClose(try Tensor([0]).sigmoid().item(), 0.5, tolerance: 1e-15))
  }

  @Test("softmaxCrossEntropy of logits ~ 1000 is finite and shift-invariant", arguments: [1000.0, -1000.0, 1e6])
  func softmaxLargeLogits(_ offset: Double) throws {
    let base = Tensor(rows: [[0.5, -1, 2], [3, 0, -2]])
    let labels = Tensor([2, 0])
    let logits = Tensor(base.data.map { $0 + offset }, shape: base.shape, requiresGrad: true)
    let loss = try softmaxCrossEntropy(logits, labels)
    let reference = try softmaxCrossEntropy(base, labels)
    #expect(loss.item().isFinite)
    // Shifting every logit by c leaves the loss unchanged; rounding of
    // base + c is ≈ ε·|c|, so the tolerance scales with the offset.
    #expect(isClose(loss.item(), reference.item(), tolerance: 1e-15 * abs(offset) * 8))
    try loss.backward()
    let grad = try #require(logits.grad).data
    #expect(grad.allSatisfy { $0.isFinite })
    // Each row of softmax − onehot sums to 0.
    #expect(abs(grad[0] + grad[1] + grad[2]) < 1e-12)
  }

  @Test("sigmoid of ±800 is 0 and 1, without NaN")
  func sigmoidExtremes() throws {
    let x = Tensor([-800, 800], requiresGrad: true)
    let y = try x.sigmoid()
    #expect(y.data == [0, 1])  // exact: both saturate
    try y.sum().backward()
    #expect(try #require(x.grad).data == [0, 0])
  }
}

@Suite("Errors name the op and the shapes")
struct ErrorTests {
  @Test("broadcast mismatch names the op and both shapes", arguments: OpCases.Binary.allCases)
  func broadcastMismatch(_ op: OpCases.Binary) throws {
    let error = #expect(throws: TensorError.self) { try op.apply(Tensor.zeros([2, 3]), Tensor.zeros([4])) }
    let text = try #require(error).description
    #expect(text.contains(op.rawValue))
    #expect(text.contains("[2, 3]"))
    #expect(text.contains("[4]"))
    guard case .shapeMismatch(let name, let lhs, let rhs, _)? = error else {
      Issue.record("expected shapeMismatch, got \(String(describing: error))")
      return
    }
    #expect(name == op.rawValue && lhs == [2, 3] && rhs == [4])
  }

  @Test("matmul mismatch names matmul and both shapes", arguments: [
    ([2, 3], [4, 5]), ([2, 3], [3]), ([3], [3, 2]), ([2, 3, 4], [4, 2]),
  ])
  func matmulMismatch(_ lhs: [Int], _ rhs: [Int]) throws {
    let error = #expect(throws: TensorError.self) { try Tensor.zeros(lhs).matmul(Tensor.zeros(rhs)) }
    let text = try #require(error).description
    #expect(text.contains("matmul"))
    #expect(text.contains("\(lhs)"))
    #expect(text.contains("\(rhs)"))
  }

  @Test("mse needs equal shapes: [3, 1] against [3] does not silently broadcast")
  func mseShapes() throws {
    let error = #expect(throws: TensorError.self) { try mse(Tensor.zeros([3, 1]), Tensor.zeros([3])) }
    let text = try #require(error).description
    #expect(text.contains("mse") && text.contains("[3, 1]") && text.contains("[3]"))
  }

  struct BadLabels: Sendable, CustomTestStringConvertible {
    let name: String
    let logits: [Int]
    let labels: [Double]
    var testDescription: String { name }
  }

  @Test("softmaxCrossEntropy with bad labels throws", arguments: [
    BadLabels(name: "label = classes", logits: [2, 3], labels: [0, 3]),
    BadLabels(name: "negative label", logits: [2, 3], labels: [-1, 0]),
    BadLabels(name: "fractional label", logits: [2, 3], labels: [0.5, 1]),
    BadLabels(name: "NaN label", logits: [2, 3], labels: [.nan, 1]),
    BadLabels(name: "huge label 1e20", logits: [2, 3], labels: [1e20, 1]),
    BadLabels(name: "infinite label", logits: [2, 3], labels: [.infinity, 1]),
    BadLabels(name: "-infinite label", logits: [2, 3], labels: [-.infinity, 1]),
    BadLabels(name: "too few labels", logits: [2, 3], labels: [0]),
    BadLabels(name: "1-D logits", logits: [3], labels: [0]),
  ])
  func badLabels(_ c: BadLabels) throws {
    let logits = Tensor.zeros(c.logits, requiresGrad: true)
    let error = #expect(throws: TensorError.self) {
      try softmaxCrossEntropy(logits, Tensor(c.labels, shape: [c.labels.count]))
    }
    #expect(try #require(error).description.contains("softmaxCrossEntropy"))
  }

  @Test("shape ops reject bad arguments", arguments: [
    "reshape to a wrong size", "reshape with -1 that does not divide", "slice past the end", "select out of range",
    "axis out of range", "negative axis out of range", "concat of nothing", "concat of different ranks",
    "concat with a different size off the axis", "stack of different shapes", "stack at a negative axis",
    "transposed of 3-D", "mean of an empty tensor",
  ])
  func shapeOpErrors(_ what: String) {
    let t = Tensor.zeros([2, 3])
    #expect(throws: TensorError.self) {
      switch what {
      case "reshape to a wrong size": _ = try t.reshaped([4, 2])
      case "reshape with -1 that does not divide": _ = try t.reshaped([4, -1])
      case "slice past the end": _ = try t.slice(axis: 1, 2..<4)
      case "select out of range": _ = try t.select(axis: 0, index: 2)
      case "axis out of range": _ = try t.sum(axis: 2)
      case "negative axis out of range": _ = try t.mean(axis: -3)
      case "concat of nothing": _ = try Tensor.concat([], axis: 0)
      case "concat of different ranks": _ = try Tensor.concat([t, Tensor.zeros([3])], axis: 0)
      case "concat with a different size off the axis": _ = try Tensor.concat([t, Tensor.zeros([2, 4])], axis: 0)
      case "stack of different shapes": _ = try Tensor.stack([t, Tensor.zeros([3, 2])], axis: 0)
      case "stack at a negative axis": _ = try Tensor.stack([t, t], axis: -1)
      case "transposed of 3-D": _ = try Tensor.zeros([1, 2, 3]).transposed()
      case "mean of an empty tensor": _ = try Tensor.zeros([0]).mean()
      default: Issue.record("unknown case \(what)")
      }
    }
  }

  @Test("errors are readable through localizedDescription")
  func localizedDescription() {
    let error: any Error = TensorError.invalidArgument(op: "slice", detail: "range 2..<4 is outside axis 1")
    #expect(error.localizedDescription == "slice: range 2..<4 is outside axis 1")
  }
}
