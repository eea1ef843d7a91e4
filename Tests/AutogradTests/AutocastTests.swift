// Mixed precision as torch.autocast does it: each op in the type of its
// row of `Autocast.opTable`, low-precision ops rounding their inputs,
// their output and the gradients they produce; float32 ops (losses,
// reductions) rounding nothing; `.grad` adding up in Double.

import Autograd
import Testing

/// Every op of the engine, applied to tensors of the shapes it needs.
enum OpCase: String, CaseIterable, CustomTestStringConvertible {
  case matmul, linear, mse, softmaxCrossEntropy, sum, sumAxis, exp, log, pow, square
  case add, sub, mul, div, neg, tanh, sigmoid, relu, transpose, reshape, slice, select, concat
  case indexSelect, layerNorm, batchNorm, batchNormEval

  var testDescription: String { rawValue }

  /// Whether the op takes a module's float32 weight besides `x`.
  var hasParameters: Bool { self == .batchNorm || self == .batchNormEval }

  /// The op on `x` [2, 3] (values in (0.5, 2)), `w` [3, 3] and `b` [3].
  func apply(_ x: Tensor, _ w: Tensor, _ b: Tensor) throws -> Tensor {
    switch self {
    case .matmul: return try x.matmul(w)
    case .linear: return try Tensor.linear(x, weight: w, bias: b)
    case .mse: return try Autograd.mse(x, x * 0.5)
    case .softmaxCrossEntropy: return try Autograd.softmaxCrossEntropy(x, Tensor([0, 2]))
    case .sum: return try x.sum()
    case .sumAxis: return try x.sum(axis: 0)
    case .exp: return try x.exp()
    case .log: return try x.log()
    case .pow: return try x.pow(1.5)
    case .square: return try x.square()
    case .add: return try x + b
    case .sub: return try x - b
    case .mul: return try x * b
    case .div: return try x / b
    case .neg: return try -x
    case .tanh: return try x.tanh()
    case .sigmoid: return try x.sigmoid()
    case .relu: return try x.relu()
    case .transpose: return try x.transposed()
    case .reshape: return try x.reshaped([3, 2])
    case .slice: return try x.slice(axis: 1, 0..<2)
    case .select: return try x.select(axis: 0, index: 1)
    case .concat: return try Tensor.concat([x, x], axis: 0)
    case .indexSelect: return try x.indexSelect([1, 0, 1])
    case .layerNorm: return try LayerNorm(3).forward(x)
    case .batchNorm: return try BatchNorm1d(3).forward(x)
    case .batchNormEval:
      let norm = BatchNorm1d(3)
      norm.eval()
      return try norm.forward(x)
    }
  }
}

@Suite("Autocast: each op in the precision PyTorch's autocast gives it")
struct AutocastTests {
  /// Inputs that require gradients, made as float32 leaves, or as float16
  /// outputs of an op under autocast (a linear layer with identity weights:
  /// the values come out rounded to float16).
  static func inputs(float16: Bool) throws -> (Tensor, Tensor, Tensor) {
    var rng = SplitMix64(seed: 3)
    let x = Tensor.uniform([2, 3], low: 0.5, high: 2, rng: &rng, requiresGrad: true)
    let w = Tensor.uniform([3, 3], low: 0.5, high: 2, rng: &rng, requiresGrad: true)
    let b = Tensor.uniform([3], low: 0.5, high: 2, rng: &rng, requiresGrad: true)
    guard float16 else { return (x, w, b) }
    let identity = Tensor([1, 0, 0, 0, 1, 0, 0, 0, 1], shape: [3, 3])
    return try autocast(.float16) {
      (try x.matmul(identity), try w.matmul(identity), try Tensor.linear(b.reshaped([1, 3]), weight: identity, bias: Tensor.zeros([3])).reshaped([3]))
    }
  }

  @Test("The tests cover every row of the op table, and every op's graph node is in it")
  func tableComplete() throws {
    let (x, w, b) = try Self.inputs(float16: false)
    let names = try OpCase.allCases.map { try #require($0.apply(x, w, b).gradFn) }
    #expect(Set(names) == Set(Autocast.opTable.map(\.op)))
    #expect(Autocast.opTable.count == Set(Autocast.opTable.map(\.op)).count)
  }

  @Test("Under autocast(.float16) each op's output has the type of its row of the table", arguments: OpCase.allCases)
  func outputType(_ op: OpCase) throws {
    let (x0, w0, b0) = try Self.inputs(float16: false)
    let name = try #require(try op.apply(x0, w0, b0).gradFn)
    let policy = Autocast.policy(of: name)
    for float16Inputs in [false, true] {
      let (x, w, b) = try Self.inputs(float16: float16Inputs)
      let out = try autocast(.float16) { try op.apply(x, w, b) }
      let expected: DType
      switch policy {
      case .lowerPrecision: expected = .float16
      case .float32: expected = .float32
      // Batch norm's weight and bias are float32 parameters: they widen it.
      case .widestInput: expected = float16Inputs && !op.hasParameters ? .float16 : .float32
      }
      #expect(out.dtype == expected, "\(name), float16 inputs: \(float16Inputs)")
      // Its values are values of that type.
      #expect(out.data.allSatisfy { expected.round($0) == $0 })
      // Off autocast, on float32 inputs, every op is float32.
      if !float16Inputs { #expect(try op.apply(x, w, b).dtype == .float32) }
    }
  }

  @Test("A number or a 0-d tensor does not widen a float16 tensor, as in PyTorch's type promotion")
  func scalarsDoNotPromote() throws {
    let (x, _, b) = try Self.inputs(float16: true)
    let types = try autocast(.float16) {
      [
        try (x * 2.0).dtype, try (x + Tensor(scalar: 1)).dtype,
        // A float32 tensor with dimensions does widen it.
        try (x + Tensor([1, 2, 3])).dtype, try (b * Tensor([1, 1, 1])).dtype,
      ]
    }
    #expect(types == [.float16, .float16, .float32, .float32])
  }

  // MARK: Forward

  @Test("matmul rounds its inputs, adds up its products wide, and rounds the output")
  func matmulRounding() throws {
    // 1 + 2⁻¹² is no float16 and arrives as 1.
    let a = Tensor([1 + 0x1p-12], shape: [1, 1])
    #expect(try autocast { try a.matmul(Tensor([1], shape: [1, 1])) }.data == [1])
    // 1 + 2⁻¹¹ + 2⁻¹¹ = 1 + 2⁻¹⁰, a float16. Added up in float16 the first
    // step would tie back to 1 (twice); tensor cores add up in float32.
    let row = Tensor([1, 0x1p-11, 0x1p-11], shape: [1, 3])
    #expect(try autocast { try row.matmul(Tensor.ones([3, 1])) }.data == [1 + 0x1p-10])
    // The output is rounded: 3 × (1 + 2⁻¹⁰) = 3 + 3 × 2⁻¹⁰ needs 12 bits.
    let product = try autocast { try Tensor([3], shape: [1, 1]).matmul(Tensor([1 + 0x1p-10], shape: [1, 1])) }
    #expect(product.data == [Half.round(3 + 3 * 0x1p-10)] && product.data != [3 + 3 * 0x1p-10])
  }

  @Test("A float32 op computes on exact values and rounds nothing")
  func float32Ops() throws {
    let x = Tensor([1 + 0x1p-12, 3], requiresGrad: true)
    let total = try autocast { try x.square().sum() }
    #expect(total.dtype == .float32)
    #expect(total.item() == (1 + 0x1p-12) * (1 + 0x1p-12) + 9)
    try autocast { try total.backward() }
    #expect(x.grad?.data == [2 + 0x1p-11, 6])
  }

  @Test("A large activation overflows to infinity in the forward pass: the loss and the gradients are not finite")
  func forwardOverflow() throws {
    // 300 × 300 = 90000 > 65504: the linear layer's float16 output is inf.
    let x = Tensor([300, 1], shape: [1, 2])
    func gradients(_ dtype: DType?) throws -> (loss: Double, grads: [Double]) {
      let weight = Tensor([300, 0.5], shape: [2, 1], requiresGrad: true)
      let bias = Tensor([0], requiresGrad: true)
      let loss = try autocast(dtype ?? .float32, enabled: dtype != nil) {
        try mse(Tensor.linear(x, weight: weight, bias: bias), Tensor(rows: [[1]]))
      }
      try loss.backward()
      return (loss.item(), (weight.grad?.data ?? []) + (bias.grad?.data ?? []))
    }
    let half = try gradients(.float16)
    #expect(half.loss == .infinity)
    #expect(half.grads.allSatisfy { !$0.isFinite })
    let double = try gradients(nil)
    #expect(double.loss.isFinite && double.grads.allSatisfy(\.isFinite))
    // bfloat16 has float32's range: 90000 is an ordinary value.
    let brain = try gradients(.bfloat16)
    #expect(brain.loss.isFinite && brain.grads.allSatisfy(\.isFinite))
  }

  // MARK: Backward

  /// A linear layer 1 → 1 on `x`, its MSE against `target`, times
  /// `factor` (a float32 multiplication), and the gradients of the weight
  /// and the bias after backward().
  static func linearGradients(
    _ dtype: DType?, x: [Double], target: [Double], factor: Double, weight: Double = 1
  ) throws -> (weight: Double, bias: Double) {
    let w = Tensor([weight], shape: [1, 1], requiresGrad: true)
    let b = Tensor([0], requiresGrad: true)
    let loss = try autocast(dtype ?? .float32, enabled: dtype != nil) {
      try mse(Tensor.linear(Tensor(x, shape: [x.count, 1]), weight: w, bias: b), Tensor(target, shape: [target.count, 1]))
        * factor
    }
    try loss.backward()
    return (try #require(w.grad).item(), try #require(b.grad).item())
  }

  @Test("A low-precision op rounds the gradients it produces, the weight's included")
  func lowPrecisionBackwardRounds() throws {
    // x = 1 + 2⁻¹⁰ and w = 1 + 2⁻⁹ are float16s; y = xw rounds to
    // 1 + 3 × 2⁻¹⁰, and dL/dy = 2y = 2 + 3 × 2⁻⁹ is a float16 too. But
    // dW = x · dL/dy = 2 + 2⁻⁷ + 3 × 2⁻¹⁹ needs 19 bits: rounded.
    let (x, w) = (1 + 0x1p-10, 1 + 0x1p-9)
    let half = try Self.linearGradients(.float16, x: [x], target: [0], factor: 1, weight: w)
    let exact = try Self.linearGradients(nil, x: [x], target: [0], factor: 1, weight: w)
    #expect(half.weight == 2 + 0x1p-7)
    #expect(half.bias == 2 + 3 * 0x1p-9)
    #expect(exact.weight == x * (2 * (x * w)))
  }

  @Test("The loss's own gradient is never rounded: a scale of 2^24 on a loss of 1 gives no inf")
  func lossGradientNotRounded() throws {
    // A float32 graph: d(loss × 2²⁴)/d(loss) = 2²⁴ > 65504 stays what it is.
    let w = Tensor([1], requiresGrad: true)
    try autocast(.float16) { try ((w * w).sum() * 0x1p24).backward() }
    #expect(w.grad?.data == [0x1p25])
    // Through a float16 linear layer: 1024 errors of ±1 make a loss of 1;
    // each prediction's gradient is 2 / 1024 × 2²⁴ = 32768, a float16.
    let x = (0..<1024).map { Double($0 % 4 + 1) * 0x1p-12 }
    let target = x.indices.map { $0 % 2 == 0 ? 1.0 : -1.0 }
    let half = try Self.linearGradients(.float16, x: x, target: target, factor: 0x1p24, weight: 0)
    let exact = try Self.linearGradients(nil, x: x, target: target, factor: 0x1p24, weight: 0)
    #expect(half.weight.isFinite && half.bias.isFinite)
    #expect(abs(half.weight - exact.weight) <= abs(exact.weight) * 0x1p-10)
  }

  @Test("A small gradient underflows to 0 in float16, survives a loss scale, and survives in bfloat16 unscaled")
  func underflow() throws {
    // Error 1 on one sample, times 1e-9: dL/dy = 2e-9, below 2⁻²⁵ ≈ 2.98e-8.
    let exact = try Self.linearGradients(nil, x: [0.5], target: [0], factor: 1e-9, weight: 2)
    let half = try Self.linearGradients(.float16, x: [0.5], target: [0], factor: 1e-9, weight: 2)
    let scaled = try Self.linearGradients(.float16, x: [0.5], target: [0], factor: 1e-9 * 0x1p16, weight: 2)
    let brain = try Self.linearGradients(.bfloat16, x: [0.5], target: [0], factor: 1e-9, weight: 2)
    #expect(exact.weight == 1e-9 && exact.bias == 2e-9)
    #expect(half.weight == 0 && half.bias == 0)
    #expect(abs(scaled.weight / 0x1p16 - 1e-9) <= 1e-9 * 0x1p-10)
    #expect(abs(brain.weight - 1e-9) <= 1e-9 * 0x1p-7 && abs(brain.bias - 2e-9) <= 2e-9 * 0x1p-7)
  }

  @Test("A parameter's .grad adds up in Double over backward() calls, each contribution rounded by its op")
  func gradAddsUpInDouble() throws {
    // dW = x · 2(y − t) = 2048 for the first call and 1 for the second:
    // each a float16; 2049 is not (the spacing at 2048 is 2), and Double
    // keeps it.
    let w = Tensor([0], shape: [1, 1], requiresGrad: true)
    let b = Tensor([0], requiresGrad: true)
    try autocast {
      for (x, target) in [(1024.0, -1.0), (0.5, -1.0)] {
        try mse(Tensor.linear(Tensor(rows: [[x]]), weight: w, bias: b), Tensor(rows: [[target]])).backward()
      }
    }
    #expect(w.grad?.data == [2049])
  }

  @Test("A low-precision activation used twice gets its gradients added up in its own type")
  func fanOutInLowPrecision() throws {
    let x = Tensor(rows: [[1]], requiresGrad: true)
    let one = Tensor(rows: [[1]])
    try autocast {
      let h = try x.matmul(one)
      h.retainGrad()
      // dL/dh = 2048 + 1: 2049 is no float16, and ties to even: 2048.
      let loss = try (h * 2048).sum() + (h * 1).sum()
      try loss.backward()
      #expect(h.grad?.data == [2048])
      // x is float32: it gets the float16 sum, widened exactly.
      #expect(x.grad?.data == [2048])
    }
  }

  @Test("backward() outside the autocast block runs each op in the type it ran in forward")
  func graphRemembersTypes() throws {
    func gradient(insideBlock: Bool) throws -> Double {
      let w = Tensor([0.1], shape: [1, 1], requiresGrad: true)
      var loss: Tensor?
      try autocast {
        loss = try mse(Tensor.linear(Tensor(rows: [[1 + 0x1p-12]]), weight: w, bias: Tensor([0])), Tensor(rows: [[0]]))
        if insideBlock { try loss!.backward() }
      }
      if !insideBlock { try loss!.backward() }
      return try #require(w.grad).item()
    }
    #expect(try gradient(insideBlock: true) == gradient(insideBlock: false))
  }

  @Test("retainGrad keeps an activation's gradient, the same as a leaf in its place would get")
  func retainGrad() throws {
    let x = Tensor(rows: [[0.5, -1]], requiresGrad: true)
    let h = try x.tanh()
    h.retainGrad()
    try mse(h, Tensor(rows: [[0, 0]])).backward()
    // dL/dh = 2h / 2 = h.
    #expect(h.grad?.data == h.data)
    #expect(x.grad?.data == zip(h.data, h.data).map { $0 * (1 - $1 * $1) })
  }

  // MARK: Off

  @Test("Autocast off is the Double engine: a Linear is the matmul and the add it replaced, bit for bit")
  func linearIsMatmulPlusAdd() throws {
    var rng = SplitMix64(seed: 8)
    let x = Tensor.randn([20, 5], rng: &rng, requiresGrad: true)
    let w = Tensor.randn([5, 3], rng: &rng, requiresGrad: true)
    let b = Tensor.randn([3], rng: &rng, requiresGrad: true)
    let g = Tensor.randn([20, 3], rng: &rng)
    func run(_ forward: () throws -> Tensor) throws -> [[UInt64]] {
      for t in [x, w, b] { t.zeroGrad() }
      let y = try forward()
      try y.backward(gradient: g)
      return [y.data, x.grad!.data, w.grad!.data, b.grad!.data].map { $0.map(\.bitPattern) }
    }
    let fused = try run { try Tensor.linear(x, weight: w, bias: b) }
    #expect(try fused == run { try x.matmul(w) + b })
    #expect(try fused == autocast(false) { try run { try Tensor.linear(x, weight: w, bias: b) } })
  }

  @Test("autocast is off by default, and its type holds only inside its block")
  func scoped() {
    #expect(!Autocast.isEnabled && Autocast.dtype == nil)
    autocast {
      #expect(Autocast.dtype == .float16)
      autocast(.bfloat16) { #expect(Autocast.dtype == .bfloat16) }
      autocast(false) { #expect(!Autocast.isEnabled) }
      #expect(Autocast.dtype == .float16)
    }
    #expect(!Autocast.isEnabled)
  }
}
