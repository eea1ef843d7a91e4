// One central-difference gradient check per op and per case. Each case is a
// separate test argument, so a failure names the op and the shapes.

import Autograd
import Testing

enum OpCases {
  // MARK: Arithmetic with broadcasting

  enum Binary: String, CaseIterable, Sendable {
    case add, sub, mul, div

    func apply(_ a: Tensor, _ b: Tensor) throws -> Tensor {
      switch self {
      case .add: return try a + b
      case .sub: return try a - b
      case .mul: return try a * b
      case .div: return try a / b
      }
    }
  }

  /// (description, lhs shape, rhs shape)
  static let broadcastShapes: [(String, [Int], [Int])] = [
    ("same shape", [2, 3], [2, 3]),
    ("scalar with matrix", [], [2, 3]),
    ("matrix with scalar", [2, 3], []),
    ("matrix with row [n]", [2, 3], [3]),
    ("row [n] with matrix", [3], [2, 3]),
    ("matrix with [1, n]", [2, 3], [1, 3]),
    ("[1, n] with matrix", [1, 3], [2, 3]),
    ("column [m, 1] with matrix", [2, 1], [2, 3]),
    ("matrix with column [m, 1]", [2, 3], [2, 1]),
    ("both sides broadcast [m, 1] with [1, n]", [2, 1], [1, 3]),
    ("both sides broadcast [3, 1] with [4]", [3, 1], [4]),
    ("3-D with row", [2, 3, 4], [4]),
    ("row with 3-D", [4], [2, 3, 4]),
    ("3-D with matrix", [2, 3, 4], [3, 4]),
    ("both sides broadcast 3-D [2, 1, 4] with [3, 1]", [2, 1, 4], [3, 1]),
  ]

  static let arithmetic: [GradCase] = Binary.allCases.flatMap { op in
    broadcastShapes.map { label, lhs, rhs in
      // Division keeps the denominator away from zero.
      let rhsDomain: Domain = op == .div ? .awayFromZero(0.5, 2) : .normal
      return GradCase("\(op): \(label) \(lhs) with \(rhs)", [input(lhs), input(rhs, rhsDomain)]) {
        try op.apply($0[0], $0[1])
      }
    }
  } + [
    // One operand a constant: its gradient must stay nil.
    GradCase("mul: constant lhs [2, 3] with [3]", [input([2, 3], grad: false), input([3])]) { try $0[0] * $0[1] },
    GradCase("div: [2, 3] over constant [2, 1]", [input([2, 3]), input([2, 1], .awayFromZero(0.5, 2), grad: false)]) {
      try $0[0] / $0[1]
    },
    // A node used twice gets both contributions.
    GradCase("add: a + a", [input([2, 3])]) { try $0[0] + $0[0] },
    GradCase("mul: a * a", [input([2, 3])]) { try $0[0] * $0[0] },
    GradCase("div: a / a² + a", [input([4], .awayFromZero(0.5, 2))]) { try $0[0] / ($0[0] * $0[0]) + $0[0] },
  ]

  static let scalarForms: [GradCase] = [
    GradCase("t * 2.0", [input([2, 3])]) { try $0[0] * 2.0 },
    GradCase("2.0 * t", [input([2, 3])]) { try 2.0 * $0[0] },
    GradCase("t + 1.5", [input([2, 3])]) { try $0[0] + 1.5 },
    GradCase("1.5 + t", [input([2, 3])]) { try 1.5 + $0[0] },
    GradCase("t - 1.0", [input([2, 3])]) { try $0[0] - 1.0 },
    GradCase("1.0 - t", [input([2, 3])]) { try 1.0 - $0[0] },
    GradCase("t / 4.0", [input([2, 3])]) { try $0[0] / 4.0 },
    GradCase("1.0 / t", [input([2, 3], .awayFromZero(0.5, 2))]) { try 1.0 / $0[0] },
    GradCase("scalar tensor t * 3.0", [input([])]) { try $0[0] * 3.0 },
  ]

  // MARK: Elementwise functions

  static let unary: [GradCase] = [
    GradCase("neg", [input([2, 3])]) { try -$0[0] },
    GradCase("square", [input([2, 3])]) { try $0[0].square() },
    GradCase("pow 2", [input([2, 3])]) { try $0[0].pow(2) },
    GradCase("pow 3", [input([2, 3])]) { try $0[0].pow(3) },
    GradCase("pow 0.5 on positive inputs", [input([2, 3], .uniform(0.5, 3))]) { try $0[0].pow(0.5) },
    GradCase("exp", [input([2, 3])]) { try $0[0].exp() },
    GradCase("log on positive inputs", [input([2, 3], .uniform(0.5, 3))]) { try $0[0].log() },
    GradCase("tanh", [input([2, 3])]) { try $0[0].tanh() },
    GradCase("tanh of large |x|", [input([6], .values([-30, -8, -0.5, 0.5, 8, 30]))]) { try $0[0].tanh() },
    GradCase("sigmoid", [input([2, 3])]) { try $0[0].sigmoid() },
    GradCase(
      "sigmoid of large |x| (±800 would overflow a naive exp)",
      [input([8], .values([-800, -40, -20, -8, 8, 20, 40, 800]))]
    ) { try $0[0].sigmoid() },
    GradCase("relu with inputs away from 0", [input([3, 4], .awayFromZero(0.1, 2))]) { try $0[0].relu() },
  ]

  // MARK: Matrix product

  static let matmul: [GradCase] =
    [
      ([2, 3], [3, 4]), ([1, 5], [5, 1]), ([4, 1], [1, 3]), ([3, 3], [3, 3]), ([1, 1], [1, 1]), ([5, 2], [2, 1]),
    ].map { lhs, rhs in
      GradCase("matmul \(lhs)·\(rhs)", [input(lhs), input(rhs)]) { try $0[0].matmul($0[1]) }
    } + [
      GradCase("matmul with a constant lhs", [input([2, 3], grad: false), input([3, 2])]) { try $0[0].matmul($0[1]) },
      GradCase("matmul with a constant rhs", [input([2, 3]), input([3, 2], grad: false)]) { try $0[0].matmul($0[1]) },
      GradCase("matmul a·a", [input([3, 3])]) { try $0[0].matmul($0[0]) },
      GradCase("transposed [2, 3]", [input([2, 3])]) { try $0[0].transposed() },
      GradCase("transposed [1, 4]", [input([1, 4])]) { try $0[0].transposed() },
      GradCase("a · aᵀ", [input([2, 3])]) { try $0[0].matmul($0[0].transposed()) },
    ]

  // MARK: Reductions

  static let reductions: [GradCase] =
    [
      GradCase("sum of [2, 3, 4]", [input([2, 3, 4])]) { try $0[0].sum() },
      GradCase("sum of a scalar", [input([])]) { try $0[0].sum() },
      GradCase("mean of [2, 3, 4]", [input([2, 3, 4])]) { try $0[0].mean() },
      GradCase("mean of [5]", [input([5])]) { try $0[0].mean() },
    ]
    + [0, 1, 2, -1, -2, -3].flatMap { axis in
      [
        GradCase("sum(axis: \(axis)) of [2, 3, 4]", [input([2, 3, 4])]) { try $0[0].sum(axis: axis) },
        GradCase("mean(axis: \(axis)) of [2, 3, 4]", [input([2, 3, 4])]) { try $0[0].mean(axis: axis) },
      ]
    }
    + [
      GradCase("sum(axis: 0) of [4]", [input([4])]) { try $0[0].sum(axis: 0) },
      GradCase("mean(axis: 1) of [3, 1]", [input([3, 1])]) { try $0[0].mean(axis: 1) },
    ]

  // MARK: Shape

  static let shape: [GradCase] = [
    GradCase("reshaped [2, 3, 4] → [6, 4]", [input([2, 3, 4])]) { try $0[0].reshaped([6, 4]) },
    GradCase("reshaped [2, 3, 4] → [-1]", [input([2, 3, 4])]) { try $0[0].reshaped([-1]) },
    GradCase("reshaped [2, 3, 4] → [4, -1, 2]", [input([2, 3, 4])]) { try $0[0].reshaped([4, -1, 2]) },
    GradCase("reshaped [1] → []", [input([1])]) { try $0[0].reshaped([]) },
    // Reshaped then multiplied, so the reshape's gradient is not all ones.
    GradCase("reshaped [6] → [2, 3] times a [2, 3]", [input([6]), input([2, 3])]) { try $0[0].reshaped([2, 3]) * $0[1] },
    GradCase("slice axis 0, 1..<2 of [2, 3, 4]", [input([2, 3, 4])]) { try $0[0].slice(axis: 0, 1..<2) },
    GradCase("slice axis 1, 0..<2 of [2, 3, 4]", [input([2, 3, 4])]) { try $0[0].slice(axis: 1, 0..<2) },
    GradCase("slice axis 2, 1..<3 of [2, 3, 4]", [input([2, 3, 4])]) { try $0[0].slice(axis: 2, 1..<3) },
    GradCase("slice axis -1, 3..<4 of [2, 3, 4]", [input([2, 3, 4])]) { try $0[0].slice(axis: -1, 3..<4) },
    GradCase("slice of [5], 1..<4", [input([5])]) { try $0[0].slice(axis: 0, 1..<4) },
    GradCase("select axis 0, index 1 of [2, 3, 4]", [input([2, 3, 4])]) { try $0[0].select(axis: 0, index: 1) },
    GradCase("select axis 1, index 2 of [2, 3, 4]", [input([2, 3, 4])]) { try $0[0].select(axis: 1, index: 2) },
    GradCase("select axis 2, index 0 of [2, 3, 4]", [input([2, 3, 4])]) { try $0[0].select(axis: 2, index: 0) },
    GradCase("select axis -1, index 3 of [2, 3, 4]", [input([2, 3, 4])]) { try $0[0].select(axis: -1, index: 3) },
    GradCase("select twice from one tensor, summed", [input([2, 3, 4])]) {
      try $0[0].select(axis: 1, index: 0) + $0[0].select(axis: 1, index: 2)
    },
    GradCase("concat [2, 3] and [2, 2] on axis 1", [input([2, 3]), input([2, 2])]) {
      try Tensor.concat([$0[0], $0[1]], axis: 1)
    },
    GradCase("concat [1, 3], [2, 3], [3, 3] on axis 0", [input([1, 3]), input([2, 3]), input([3, 3])]) {
      try Tensor.concat([$0[0], $0[1], $0[2]], axis: 0)
    },
    GradCase("concat 3-D [2, 3, 1] and [2, 3, 2] on axis -1", [input([2, 3, 1]), input([2, 3, 2])]) {
      try Tensor.concat([$0[0], $0[1]], axis: -1)
    },
    GradCase("concat 3-D [2, 1, 2] and [2, 2, 2] on axis 1", [input([2, 1, 2]), input([2, 2, 2])]) {
      try Tensor.concat([$0[0], $0[1]], axis: 1)
    },
    GradCase("concat with a constant", [input([2, 2], grad: false), input([2, 3])]) {
      try Tensor.concat([$0[0], $0[1]], axis: 1)
    },
    GradCase("concat a with itself", [input([2, 3])]) { try Tensor.concat([$0[0], $0[0]], axis: 0) },
  ] + [0, 1, 2].map { axis in
    GradCase("stack three [2, 3] on axis \(axis)", [input([2, 3]), input([2, 3]), input([2, 3])]) {
      try Tensor.stack([$0[0], $0[1], $0[2]], axis: axis)
    }
  }

  // MARK: Losses

  static let losses: [GradCase] = Reduction.allCases.flatMap { reduction in
    [
      GradCase("mse (\(reduction)) w.r.t. prediction and target", [input([3, 2]), input([3, 2])]) {
        try mse($0[0], $0[1], reduction: reduction)
      },
      GradCase("mse (\(reduction)) with a constant target", [input([4]), input([4], grad: false)]) {
        try mse($0[0], $0[1], reduction: reduction)
      },
      GradCase(
        "softmaxCrossEntropy (\(reduction))",
        [input([4, 3]), input([4], .values([0, 2, 1, 2]), grad: false)]
      ) { try softmaxCrossEntropy($0[0], $0[1], reduction: reduction) },
      GradCase(
        "softmaxCrossEntropy (\(reduction)) of one sample, one class",
        [input([1, 1]), input([1], .values([0]), grad: false)]
      ) { try softmaxCrossEntropy($0[0], $0[1], reduction: reduction) },
      // Logits around 1000: exp(1000) overflows unless shifted by the row
      // maximum. Rounding at that magnitude is 1000× coarser, hence the
      // noise scale.
      GradCase(
        "softmaxCrossEntropy (\(reduction)) with logits ~ 1000",
        [input([3, 4], .uniform(997, 1003)), input([3], .values([3, 0, 1]), grad: false)],
        noiseScale: 1000
      ) { try softmaxCrossEntropy($0[0], $0[1], reduction: reduction) },
      GradCase(
        "softmaxCrossEntropy (\(reduction)) with logits ~ -1000",
        [input([2, 3], .uniform(-1003, -997)), input([2], .values([1, 2]), grad: false)],
        noiseScale: 1000
      ) { try softmaxCrossEntropy($0[0], $0[1], reduction: reduction) },
    ]
  }

  // MARK: Compositions

  static let compositions: [GradCase] = [
    GradCase("linear layer by hand: tanh(x·W + b).sum()", [input([4, 3]), input([3, 2]), input([2])]) {
      try ($0[0].matmul($0[1]) + $0[2]).tanh().sum()
    },
    GradCase("log-sum-exp by hand over axis 1", [input([3, 4])]) { try $0[0].exp().sum(axis: 1).log() },
    GradCase("sigmoid(x) · (1 − x) / (x² + 1)", [input([5])]) {
      try $0[0].sigmoid() * (1.0 - $0[0]) / ($0[0].square() + 1.0)
    },
  ]
}

@Suite("Op gradients match central differences")
struct OpGradientTests {
  @Test("add, sub, mul and div, with and without broadcasting", arguments: OpCases.arithmetic)
  func arithmetic(_ c: GradCase) throws { try c.check() }

  @Test("tensor–number forms", arguments: OpCases.scalarForms)
  func scalarForms(_ c: GradCase) throws { try c.check() }

  @Test("elementwise functions", arguments: OpCases.unary)
  func unary(_ c: GradCase) throws { try c.check() }

  @Test("matmul and transposed", arguments: OpCases.matmul)
  func matmul(_ c: GradCase) throws { try c.check() }

  @Test("sum and mean, whole and along each axis", arguments: OpCases.reductions)
  func reductions(_ c: GradCase) throws { try c.check() }

  @Test("reshaped, slice, select, concat and stack", arguments: OpCases.shape)
  func shape(_ c: GradCase) throws { try c.check() }

  @Test("mse and softmaxCrossEntropy", arguments: OpCases.losses)
  func losses(_ c: GradCase) throws { try c.check() }

  @Test("compositions of several ops", arguments: OpCases.compositions)
  func compositions(_ c: GradCase) throws { try c.check() }

  @Test("the checker itself catches a wrong gradient")
  func checkerCatchesWrongGradient() throws {
    // x.detach() * x has autograd gradient x (the detached factor is a
    // constant to autograd) but the true derivative of the function is 2x.
    var rng = SplitMix64(seed: 3)
    let x = Tensor.uniform([4], low: 0.5, high: 2, rng: &rng, requiresGrad: true)
    let mismatches = try gradientMismatches([x], seed: 4) { try $0[0].detach() * $0[0] }
    #expect(mismatches.count == 4)
    for m in mismatches {
      // autograd = x, numeric = 2x, so the relative error is 1/3.
      #expect(isClose(m.numeric, 2 * m.autograd, tolerance: 1e-6))
    }
  }

  @Test("the backward seed equals weighting the output: y.backward(w) == (y * w).sum().backward()")
  func seedEqualsWeightedSum() throws {
    var rng = SplitMix64(seed: 5)
    let x = Tensor.randn([2, 3], rng: &rng, requiresGrad: true)
    let w = Tensor.randn([2, 3], rng: &rng)
    try x.tanh().backward(gradient: w)
    let seeded = try #require(x.grad).data
    x.zeroGrad()
    try (x.tanh() * w).sum().backward()
    let summed = try #require(x.grad).data
    #expect(isClose(seeded, summed, tolerance: 1e-15))
  }
}
