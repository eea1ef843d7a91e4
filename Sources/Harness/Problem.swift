import Autograd
import Datasets

/// A small seeded training problem: a model, its data and its loss.
public struct Problem {
  public let name: String
  public let makeModel: () -> any Module
  public let lossFunction: LossFunction
  public let learningRate: Double
  /// `count` samples that fit the model.
  let makeData: (_ count: Int, _ rng: inout SplitMix64) throws -> Dataset

  /// The mean loss and its gradient over `batch` at parameter values
  /// `state`, on a scratch copy of the model: the engine's own baseline.
  public func gradient(at state: [[Double]], on batch: Batch) throws -> (loss: Double, grad: [[Double]]) {
    let model = makeModel()
    load(state, into: model)
    let loss = try lossFunction(model(batch.inputs), batch.targets)
    try loss.backward()
    return (loss.item(), model.parameters().map { $0.grad?.data ?? [Double](repeating: 0, count: $0.count) })
  }

  /// The large-batch gradient: the micro-batches joined into one batch,
  /// one forward and one backward pass.
  public func largeBatchGradient(at state: [[Double]], on batches: [Batch]) throws -> (loss: Double, grad: [[Double]]) {
    try gradient(at: state, on: Batch.concatenated(batches))
  }

  public var initialState: [[Double]] { makeModel().parameters().map(\.data) }

  /// `sizes.count` micro-batches of the given sizes, of data that fits the problem.
  public func microBatches(sizes: [Int], seed: UInt64) throws -> [Batch] {
    var rng = SplitMix64(seed: seed &+ 0x5EED)
    let total = sizes.reduce(0, +)
    let data = try makeData(total, &rng)
    // A shuffled selection, so micro-batches mix classes and regions.
    let order = (0..<data.count).shuffledDeterministically(seed: seed)
    return try data.batch(Array(order.prefix(total))).split(sizes: sizes)
  }
}

extension ProblemSpec {
  /// The problem this names.
  public var problem: Problem {
    switch kind {
    case .regression:
      return Problem(
        name: "MLP regression (seed \(seed))",
        makeModel: { [seed] in
          var rng = SplitMix64(seed: seed)
          return MLP([3, 6, 2], activation: .tanh, rng: &rng)
        },
        lossFunction: { try mse($0, $1) }, learningRate: 0.1,
        makeData: { count, rng in
          try Dataset(inputs: .randn([count, 3], rng: &rng), targets: .randn([count, 2], rng: &rng))
        })
    case .classifier:
      return Problem(
        name: "MLP classifier (seed \(seed))",
        makeModel: { [seed] in
          var rng = SplitMix64(seed: seed)
          return MLP([2, 8, 3], activation: .relu, rng: &rng)
        },
        lossFunction: { try softmaxCrossEntropy($0, $1) }, learningRate: 0.2,
        makeData: { count, rng in try .spirals(classes: 3, pointsPerClass: (count + 2) / 3, rng: &rng) })
    case .recurrent:
      let hidden = self.hidden ?? 8
      return Problem(
        name: "RNN on the adding problem (seed \(seed)\(hidden == 8 ? "" : ", hidden \(hidden)"))",
        makeModel: { [seed] in
          var rng = SplitMix64(seed: seed)
          return RNN(
            inputSize: 2, hiddenSize: hidden, outputSize: 1, recurrentInit: .orthogonal(gain: 1.5), inputStd: 0.5,
            rng: &rng)
        },
        lossFunction: { try mse($0, $1) }, learningRate: 0.05,
        makeData: { count, rng in try .addingProblem(count: count, length: 6, rng: &rng) })
    case .confidentClassifier:
      return .confidentClassifier(seed: seed)
    }
  }
}

extension Problem {
  /// An MLP classifier already sure of every sample, as late in training.
  /// Each sample is labelled with the class the model gives it, and only
  /// samples it separates by a clear logit margin (the top quarter of a
  /// pilot draw) are kept; the last layer is then scaled so that margin is
  /// 20. Every softmax is within e⁻²⁰ ≈ 2e-9 of its label, so the gradient
  /// entries lie below float16's smallest subnormal, 2⁻²⁴ ≈ 5.96e-8: only
  /// a loss scaled before a float16 backward pass keeps them (as in
  /// Micikevicius et al. 2018, "Mixed Precision Training", Fig. 3, where
  /// most of SSD's activation gradients sit below 2⁻²⁴).
  static func confidentClassifier(seed: UInt64) -> Problem {
    let base = { () -> MLP in
      var rng = SplitMix64(seed: seed)
      return MLP([2, 8, 3], activation: .tanh, rng: &rng)
    }
    /// The class `model` gives `x`, and its lead over the runner-up.
    func judged(_ model: MLP, _ x: [Double]) throws -> (label: Int, margin: Double) {
      let logits = try noGrad { try model(Tensor(x, shape: [1, 2])) }.data
      let ranked = logits.indices.sorted { logits[$0] > logits[$1] }
      return (ranked[0], logits[ranked[0]] - logits[ranked[1]])
    }
    var pilot = SplitMix64(seed: seed ^ 0xC0_FFEE)
    let margins = ((try? (0..<64).map { _ in try judged(base(), [pilot.normal(), pilot.normal()]).margin }) ?? [1])
      .sorted()
    let threshold = max(margins[margins.count * 3 / 4], 1e-3)
    let factor = 20 / threshold
    let makeModel = { () -> MLP in
      let model = base()
      for p in model.layers.last?.parameters() ?? [] { p.data = p.data.map { $0 * factor } }
      return model
    }
    return Problem(
      name: "MLP classifier sure of every sample (seed \(seed))", makeModel: makeModel,
      lossFunction: { try softmaxCrossEntropy($0, $1) }, learningRate: 0.2,
      makeData: { count, rng in
        let model = base()
        var inputs: [Double] = [], labels: [Double] = []
        var drawn = 0
        while labels.count < count {
          drawn += 1
          guard drawn <= 1000 * count else {
            throw DatasetError.invalidArgument(
              call: "confidentClassifier", detail: "no \(count) confident samples in \(drawn - 1) draws")
          }
          let x = [rng.normal(), rng.normal()]
          let (label, margin) = try judged(model, x)
          guard margin >= threshold else { continue }
          inputs += x
          labels.append(Double(label))
        }
        return try Dataset(inputs: Tensor(inputs, shape: [count, 2]), targets: Tensor(labels))
      })
  }
}

/// Sets every parameter of `model` to `state`, in parameter order.
public func load(_ state: [[Double]], into model: any Module) {
  for (p, values) in zip(model.parameters(), state) { p.data = values }
}

/// Every parameter's values, in parameter order.
public func values(of model: any Module) -> [[Double]] { model.parameters().map(\.data) }

extension Range where Bound == Int {
  /// Fisher–Yates with the workbook's seeded generator.
  public func shuffledDeterministically(seed: UInt64) -> [Int] {
    var rng = SplitMix64(seed: seed)
    var items = Array(self)
    for i in stride(from: items.count - 1, to: 0, by: -1) { items.swapAt(i, rng.int(below: i + 1)) }
    return items
  }
}
