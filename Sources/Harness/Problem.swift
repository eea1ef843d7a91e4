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
    }
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
