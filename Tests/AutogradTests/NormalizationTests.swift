// BatchNorm1d and LayerNorm: central-difference checks through the batch
// statistics, the running statistics against hand-computed values, the two
// modes, and the activation memory they keep.

import Autograd
import Testing

/// A norm layer's case: the layer, the input shape, the input's spread.
struct NormCase: Sendable, CustomTestStringConvertible {
  let name: String
  let shape: [Int]
  /// Inputs are offset + scale · N(0, 1): a large offset with a small
  /// scale is where a one-pass variance would cancel.
  var offset = 0.0
  var scale = 1.0
  /// The checker's `noiseScale`: how much larger than usual the central
  /// difference's rounding noise is in this case.
  var noiseScale = 1.0
  var testDescription: String { name }
}

enum NormCases {
  static let batchNorm: [NormCase] = [
    NormCase(name: "BatchNorm1d [5, 3]", shape: [5, 3]),
    NormCase(name: "BatchNorm1d [2, 4], the smallest batch", shape: [2, 4]),
    NormCase(name: "BatchNorm1d [8, 1]", shape: [8, 1]),
    // Inputs around 100 are rounded 100× more coarsely than inputs around 1.
    NormCase(name: "BatchNorm1d [6, 2] around 100 with spread 0.1", shape: [6, 2], offset: 100, scale: 0.1, noiseScale: 100),
  ]

  static let layerNorm: [NormCase] = [
    NormCase(name: "LayerNorm [4, 5]", shape: [4, 5]),
    NormCase(name: "LayerNorm [1, 3], one sample", shape: [1, 3]),
    NormCase(name: "LayerNorm [2, 3, 4], over the last axis", shape: [2, 3, 4]),
    NormCase(name: "LayerNorm [6], a single vector", shape: [6]),
    // Two features normalize to ±1 whatever their values, so the input's
    // true gradient is only O(eps/Var) ≈ 1e-4, and the outputs' rounding
    // noise, summed over six outputs, reaches the usual floor.
    NormCase(name: "LayerNorm [3, 2], two features", shape: [3, 2], noiseScale: 10),
    NormCase(name: "LayerNorm [3, 4] around 100 with spread 0.1", shape: [3, 4], offset: 100, scale: 0.1, noiseScale: 100),
  ]

  /// A random input of the case and random affine parameters for `layer`
  /// (the initial ones and zeros would hide a weight that is applied
  /// wrongly).
  static func setUp(_ c: NormCase, weight: Tensor, bias: Tensor) -> Tensor {
    var rng = SplitMix64(seed: seed(for: c.name))
    weight.data = (0..<weight.count).map { _ in rng.uniform(0.5, 2) }
    bias.data = (0..<bias.count).map { _ in rng.normal() }
    let x = Tensor.randn(c.shape, rng: &rng, requiresGrad: true)
    x.data = x.data.map { c.offset + c.scale * $0 }
    return x
  }
}

@Suite("BatchNorm1d and LayerNorm")
struct NormalizationTests {
  // MARK: Gradients

  /// Training mode, where the statistics are the batch's, or evaluation
  /// mode, where they are the running estimates (constants).
  enum Mode: String, CaseIterable, Sendable { case training, evaluation }

  @Test("BatchNorm1d: input, weight and bias, in training mode through the batch statistics, and in evaluation mode",
    arguments: NormCases.batchNorm, Mode.allCases)
  func batchNorm(_ c: NormCase, _ mode: Mode) throws {
    let norm = BatchNorm1d(c.shape[1])
    let x = NormCases.setUp(c, weight: norm.weight, bias: norm.bias)
    if mode == .evaluation {
      _ = try noGrad { try norm(x) }  // running statistics away from 0 and 1
      norm.eval()
    }
    // In training mode every output of a feature depends on every input of
    // it: the checker moves one input and weighs all outputs, so a gradient
    // that treats the mean and variance as constants fails here.
    try Self.expectGradientsMatch(c, norm, x, norm.weight, norm.bias)
  }

  @Test("LayerNorm: input, weight and bias, through each sample's statistics", arguments: NormCases.layerNorm)
  func layerNorm(_ c: NormCase) throws {
    let norm = LayerNorm(c.shape.last!)
    let x = NormCases.setUp(c, weight: norm.weight, bias: norm.bias)
    try Self.expectGradientsMatch(c, norm, x, norm.weight, norm.bias)
  }

  static func expectGradientsMatch(
    _ c: NormCase, _ norm: any Module, _ x: Tensor, _ weight: Tensor, _ bias: Tensor,
    sourceLocation: SourceLocation = #_sourceLocation
  ) throws {
    try AutogradTests.expectGradientsMatch(
      [x, weight, bias], names: ["input", "weight", "bias"], seed: seed(for: c.name) &+ 1,
      noiseScale: c.noiseScale, sourceLocation: sourceLocation
    ) { _ in try norm(x) }
  }

  @Test("the full gradient: per feature, BatchNorm1d's input gradient sums to 0 and is orthogonal to x̂")
  func batchNormGradientProperties() throws {
    var rng = SplitMix64(seed: 21)
    // eps 0: with eps the orthogonality is off by a factor eps/(Var + eps).
    let norm = BatchNorm1d(3, eps: 0)
    norm.weight.data = [0.5, 2, -1]
    let x = Tensor.randn([6, 3], rng: &rng, requiresGrad: true)
    let upstream = Tensor.randn([6, 3], rng: &rng)
    try norm(x).backward(gradient: upstream)
    let dx = try #require(x.grad).data
    let stats = (0..<3).map { c in
      let column = (0..<6).map { x.data[$0 * 3 + c] }
      let mean = column.reduce(0, +) / 6
      let variance = column.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 6
      return (mean, variance.squareRoot())
    }
    for c in 0..<3 {
      let column = (0..<6).map { dx[$0 * 3 + c] }
      let xHat = (0..<6).map { (x.data[$0 * 3 + c] - stats[c].0) / stats[c].1 }
      #expect(abs(column.reduce(0, +)) < 1e-12, "feature \(c): Σ dx = \(column.reduce(0, +))")
      let dot = zip(column, xHat).reduce(0) { $0 + $1.0 * $1.1 }
      #expect(abs(dot) < 1e-12, "feature \(c): Σ dx·x̂ = \(dot)")
      // The simplified gradient, g·γ/σ, would differ.
      let simplified = (0..<6).map { upstream.data[$0 * 3 + c] * norm.weight.data[c] / stats[c].1 }
      #expect(!isClose(column, simplified, tolerance: 1e-3))
    }
  }

  // MARK: Values and running statistics

  /// Two features whose statistics are easy by hand: column 0 is 1, 3, 5
  /// (mean 3, biased variance 8/3, unbiased 4), column 1 is 2, 6, 10
  /// (mean 6, biased variance 32/3, unbiased 16).
  static let handInput: [[Double]] = [[1, 2], [3, 6], [5, 10]]

  @Test("training mode normalizes with the batch's mean and biased variance")
  func batchNormTrainingValues() throws {
    let norm = BatchNorm1d(2)
    let y = try norm(Tensor(rows: Self.handInput))
    let s0 = (8.0 / 3 + 1e-5).squareRoot(), s1 = (32.0 / 3 + 1e-5).squareRoot()
    #expect(isClose(y.data, [-2 / s0, -4 / s1, 0, 0, 2 / s0, 4 / s1], tolerance: 1e-14))
  }

  @Test("running statistics: momentum 0.1 towards the batch mean and unbiased variance, twice")
  func runningStatistics() throws {
    let norm = BatchNorm1d(2)
    #expect(norm.runningMean.data == [0, 0])
    #expect(norm.runningVar.data == [1, 1])
    let x = Tensor(rows: Self.handInput)
    _ = try norm(x)
    // 0.9·0 + 0.1·mean, 0.9·1 + 0.1·unbiased variance.
    #expect(isClose(norm.runningMean.data, [0.3, 0.6], tolerance: 1e-15))
    #expect(isClose(norm.runningVar.data, [1.3, 2.5], tolerance: 1e-15))
    #expect(norm.numBatchesTracked.item() == 1)
    _ = try norm(x)
    #expect(isClose(norm.runningMean.data, [0.9 * 0.3 + 0.3, 0.9 * 0.6 + 0.6], tolerance: 1e-15))
    #expect(isClose(norm.runningVar.data, [0.9 * 1.3 + 0.4, 0.9 * 2.5 + 1.6], tolerance: 1e-15))
    #expect(norm.numBatchesTracked.item() == 2)
  }

  @Test("momentum nil keeps a cumulative average of the batches' statistics")
  func cumulativeAverage() throws {
    let norm = BatchNorm1d(1, momentum: nil)
    _ = try norm(Tensor(rows: [[1], [3]]))  // mean 2, unbiased variance 2
    #expect(isClose(norm.runningMean.data, [2], tolerance: 1e-15))
    #expect(isClose(norm.runningVar.data, [2], tolerance: 1e-15))
    _ = try norm(Tensor(rows: [[4], [10], [7]]))  // mean 7, unbiased variance 9
    #expect(isClose(norm.runningMean.data, [4.5], tolerance: 1e-15))
    #expect(isClose(norm.runningVar.data, [5.5], tolerance: 1e-15))
  }

  @Test("the running statistics move in training mode under noGrad too, as in PyTorch")
  func runningStatisticsUnderNoGrad() throws {
    let norm = BatchNorm1d(2)
    let y = try noGrad { try norm(Tensor(rows: Self.handInput)) }
    #expect(!y.requiresGrad)
    #expect(isClose(norm.runningMean.data, [0.3, 0.6], tolerance: 1e-15))
  }

  @Test("evaluation mode normalizes with the running statistics and leaves them alone")
  func evalUsesRunningStatistics() throws {
    let norm = BatchNorm1d(2)
    norm.weight.data = [2, 3]
    norm.bias.data = [0.5, -1]
    _ = try norm(Tensor(rows: Self.handInput))
    norm.eval()
    #expect(!norm.training)
    let x = Tensor(rows: [[1, 1], [0, 4]])
    let y = try norm(x)
    let s0 = (1.3 + 1e-5).squareRoot(), s1 = (2.5 + 1e-5).squareRoot()
    let expected = [2 * (1 - 0.3) / s0 + 0.5, 3 * (1 - 0.6) / s1 - 1, 2 * (0 - 0.3) / s0 + 0.5, 3 * (4 - 0.6) / s1 - 1]
    #expect(isClose(y.data, expected, tolerance: 1e-14))
    #expect(isClose(norm.runningMean.data, [0.3, 0.6], tolerance: 1e-15))
    #expect(norm.numBatchesTracked.item() == 1)
    // A single sample is fine in evaluation mode.
    _ = try norm(Tensor(rows: [[1, 2]]))
    norm.train()
    #expect(norm.training)
    #expect(throws: TensorError.self) { try norm(Tensor(rows: [[1, 2]])) }
    // The failed pass changed nothing.
    #expect(norm.numBatchesTracked.item() == 1)
  }

  @Test("LayerNorm normalizes each sample with its own mean and biased variance")
  func layerNormValues() throws {
    let norm = LayerNorm(4)
    norm.weight.data = [1, 2, 1, 1]
    norm.bias.data = [0, 0, 0, 1]
    let y = try norm(Tensor(rows: [[1, 2, 3, 4], [2, 2, 2, 2]]))
    // Row 0: mean 2.5, variance 1.25. Row 1: constant, variance exactly 0.
    let s = (1.25 + 1e-5).squareRoot()
    #expect(isClose(y.data, [-1.5 / s, 2 * -0.5 / s, 0.5 / s, 1.5 / s + 1, 0, 0, 0, 1], tolerance: 1e-14))
  }

  @Test("LayerNorm of a batch equals LayerNorm of each sample, bit for bit; BatchNorm1d's does not")
  func perSampleStatistics() throws {
    var rng = SplitMix64(seed: 31)
    let x = Tensor.randn([4, 3], rng: &rng)
    let layer = LayerNorm(3)
    let whole = try layer(x).data
    let parts = try (0..<4).flatMap { try layer(x.slice(axis: 0, $0..<($0 + 1))).data }
    #expect(bits(whole) == bits(parts))

    let batch = BatchNorm1d(3)
    let wholeBatch = try batch(x).data
    let halves = try [0..<2, 2..<4].flatMap { try batch(x.slice(axis: 0, $0)).data }
    #expect(!isClose(wholeBatch, halves, tolerance: 1e-3))
  }

  @Test("shape errors name the layer and the shapes")
  func shapeErrors() throws {
    let e1 = #expect(throws: TensorError.self) { try BatchNorm1d(3)(Tensor.zeros([4, 2])) }
    #expect(e1?.description.contains("BatchNorm1d") == true)
    #expect(e1?.description.contains("[4, 2]") == true)
    #expect(throws: TensorError.self) { try BatchNorm1d(3)(Tensor.zeros([4, 3, 1])) }
    let e2 = #expect(throws: TensorError.self) { try LayerNorm(3)(Tensor.zeros([4, 2])) }
    #expect(e2?.description.contains("LayerNorm") == true)
    #expect(e2?.description.contains("[4, 2]") == true)
  }

  // MARK: Modules: parameters, buffers, modes

  @Test("weight and bias are parameters; the running statistics are buffers, saved by stateDict")
  func parametersAndBuffers() throws {
    let norm = BatchNorm1d(2)
    #expect(norm.namedParameters().map(\.name) == ["weight", "bias"])
    #expect(norm.parameters().map { ObjectIdentifier($0) } == [ObjectIdentifier(norm.weight), ObjectIdentifier(norm.bias)])
    #expect(norm.namedBuffers().map(\.name) == ["runningMean", "runningVar", "numBatchesTracked"])
    #expect(norm.weight.data == [1, 1] && norm.bias.data == [0, 0])
    #expect(norm.weight.requiresGrad && norm.bias.requiresGrad)
    #expect(!norm.runningMean.requiresGrad && !norm.runningVar.requiresGrad)

    let saved = norm.stateDict()
    #expect(saved.map(\.name) == ["weight", "bias", "runningMean", "runningVar", "numBatchesTracked"])
    _ = try norm(Tensor(rows: Self.handInput))
    norm.loadStateDict(saved)
    #expect(norm.runningMean.data == [0, 0] && norm.runningVar.data == [1, 1])
    #expect(norm.numBatchesTracked.item() == 0)

    let layer = LayerNorm(3)
    #expect(layer.namedParameters().map(\.name) == ["weight", "bias"])
    #expect(layer.namedBuffers().isEmpty)
    #expect(layer.weight.data == [1, 1, 1] && layer.bias.data == [0, 0, 0])
  }

  // MARK: Memory

  @Test("activation memory: output plus mean and 1/σ per group; BatchNorm1d in evaluation mode only its output")
  func memory() throws {
    let (n, c) = (16, 8)
    var rng = SplitMix64(seed: 41)
    let x = Tensor.randn([n, c], rng: &rng, requiresGrad: true)
    func bytes(_ layer: any Module) throws -> Int {
      let meter = MemoryMeter()
      let y = try meter.measure { try layer(x) }
      let alive = meter.currentBytes
      try y.backward(gradient: Tensor.ones(y.shape))
      #expect(meter.currentBytes == 0)
      return alive
    }
    #expect(try bytes(BatchNorm1d(c)) == (n * c + 2 * c) * 8)
    #expect(try bytes(LayerNorm(c)) == (n * c + 2 * n) * 8)
    let eval = BatchNorm1d(c)
    eval.eval()
    #expect(try bytes(eval) == n * c * 8)
  }
}
