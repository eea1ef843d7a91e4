import Autograd
import Datasets
import Foundation
import Measures

/// The capstone demo's model and data: a classifier that separates its
/// classes ever more confidently, so its cross-entropy, and with it the
/// gradient, falls by orders of magnitude as it trains.
struct MixedPrecisionSetup {
  let seed: UInt64
  let microBatches: Int
  static let microBatchSize = 16
  var microBatchSize: Int { Self.microBatchSize }
  let warmupSteps = 20
  static let hidden = 16
  /// Six tanh layers: the gradient shrinks on its way back through them,
  /// so the first layers' is the first to fall under half's range.
  static let depth = 6
  let data: Dataset
  let test: Batch
  let lossFunction: LossFunction = { try softmaxCrossEntropy($0, $1) }

  init(seed: UInt64, microBatches: Int) throws {
    self.seed = seed
    self.microBatches = microBatches
    var rng = SplitMix64(seed: seed &+ 0xF16)
    // Three well-separated clusters: a classifier soon gets every sample
    // right and then grows ever more confident, so its gradient shrinks
    // steadily toward half precision's smallest values.
    func clusters(_ count: Int) throws -> Batch {
      let noise = Tensor.randn([count, 2], std: 0.6, rng: &rng).data
      var inputs: [Double] = []
      var labels: [Double] = []
      for i in 0..<count {
        let label = i % 3
        let angle = 2 * Double.pi * Double(label) / 3
        inputs += [3 * Foundation.cos(angle) + noise[2 * i], 3 * Foundation.sin(angle) + noise[2 * i + 1]]
        labels.append(Double(label))
      }
      return try Batch(inputs: Tensor(inputs, shape: [count, 2]), targets: Tensor(labels, shape: [count]))
    }
    let training = try clusters(768)
    data = try Dataset(inputs: training.inputs, targets: training.targets, name: "clusters")
    test = try clusters(192)
  }

  var description: String {
    "An MLP 2→\(Self.hidden)×\(Self.depth)→3 (tanh) classifying three clusters (cross-entropy)"
  }

  func makeModel() -> MLP {
    var rng = SplitMix64(seed: seed)
    return MLP([2] + Array(repeating: Self.hidden, count: Self.depth) + [3], activation: .tanh, rng: &rng)
  }

  /// Window `w`'s micro-batches, cycling through the data in a fixed order.
  func window(_ w: Int) -> [Batch] {
    (0..<microBatches).map { i in
      let first = ((w * microBatches + i) * microBatchSize) % data.count
      let indices = (0..<microBatchSize).map { (first + $0) % data.count }
      return data.batch(indices)
    }
  }

  /// A copy of `model`, with its weights and no gradients.
  func copy(of model: MLP) -> MLP {
    let copy = makeModel()
    for (p, q) in zip(copy.parameters(), model.parameters()) { p.data = q.data }
    return copy
  }

  /// The window's backward passes on a copy of `model`, each loss times its
  /// share and `scale`, under `autocast(dtype)` (off for nil): the copy,
  /// its `.grad` filled.
  func scaledBackward(_ model: MLP, _ batches: [Batch], scale: Double, dtype: DType?) throws -> MLP {
    let total = Double(batches.reduce(0) { $0 + $1.count })
    let copy = copy(of: model)
    try autocast(dtype ?? .float32, enabled: dtype != nil) {
      for batch in batches {
        let loss = try lossFunction(copy(batch.inputs), batch.targets)
        try (loss * (Double(batch.count) / total * scale)).backward()
      }
    }
    return copy
  }

  /// The share of the window's gradient entries that `dtype` turns into 0
  /// at `scale`: nonzero when computed in Double, exactly 0 when the same
  /// backward passes run under `autocast(dtype)`.
  func underflowShare(_ model: MLP, _ batches: [Batch], scale: Double, dtype: DType) throws -> Double {
    let exact = Compare.flatGradients(of: try scaledBackward(model, batches, scale: scale, dtype: nil))
    let rounded = Compare.flatGradients(of: try scaledBackward(model, batches, scale: scale, dtype: dtype))
    let lost = Compare.lostToZero(exact: exact, rounded: rounded)
    return Double(lost) / Double(max(exact.count, 1))
  }

  /// Where a window's scaled float16 gradients overflowed: in the forward
  /// pass (a layer's output, computed in float16, beyond 65504) or in the
  /// backward pass, at the parameter whose gradient is the first, going
  /// back from the loss, to hold an inf or NaN. Every earlier layer's
  /// gradient is computed from that one, so it holds them too.
  func overflowSource(_ model: MLP, _ batches: [Batch], scale: Double) throws -> String {
    let copy = copy(of: model)
    for batch in batches {
      var x = batch.inputs
      for (i, layer) in copy.layers.enumerated() {
        x = try autocast(.float16) { try layer(x) }
        if x.data.contains(where: { !$0.isFinite }) { return "forward pass, layers.\(i)'s output" }
        if i < copy.layers.count - 1 { x = try autocast(.float16) { try copy.activation.apply(x) } }
      }
    }
    let filled = try scaledBackward(model, batches, scale: scale, dtype: .float16)
    let overflowed = filled.namedParameters().last { named in
      named.tensor.grad?.data.contains(where: { !$0.isFinite }) ?? false
    }
    return overflowed.map { "backward pass, \($0.name)" } ?? "nowhere: no gradient overflowed"
  }

  /// The norm of the window's gradient in Double, at the model's weights.
  func gradientNorm(_ model: MLP, _ batches: [Batch]) throws -> Double {
    let total = Double(batches.reduce(0) { $0 + $1.count })
    for batch in batches {
      try (lossFunction(model(batch.inputs), batch.targets) * (Double(batch.count) / total)).backward()
    }
    return Baseline.gradientNorm(model.parameters())
  }

  func testLoss(_ model: any Module) throws -> Double {
    try noGrad { try lossFunction(model(test.inputs), test.targets).item() }
  }
}
