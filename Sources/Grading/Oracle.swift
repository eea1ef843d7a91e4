import Autograd
import Datasets
import Foundation

/// The graders' answer key, computed from the engine directly, never from
/// an exercise's code.
///
/// The clipping formulas follow PyTorch's `torch/nn/utils/clip_grad.py`:
/// total norm over all gradients, factor `max_norm / (total + 1e-6)` clamped
/// to at most 1 (a NaN factor stays NaN), and every gradient multiplied by it.
enum Oracle {
  static func totalNorm(_ grads: Values, normType: Double = 2) -> Double {
    let all = flat(grads)
    if normType.isInfinite {
      if all.contains(where: \.isNaN) { return .nan }
      return all.reduce(0) { max($0, abs($1)) }
    }
    if normType == 2 { return all.reduce(0) { $0 + $1 * $1 }.squareRoot() }
    return pow(all.reduce(0) { $0 + pow(abs($1), normType) }, 1 / normType)
  }

  static func clipFactor(total: Double, maxNorm: Double) -> Double {
    // min(1, ·) would turn a NaN into 1; PyTorch's clamp keeps it NaN.
    let factor = maxNorm / (1e-6 + total)
    return factor > 1 ? 1 : factor
  }

  static func clipByNorm(_ grads: Values, maxNorm: Double, normType: Double = 2) -> Values {
    scale(grads, clipFactor(total: totalNorm(grads, normType: normType), maxNorm: maxNorm))
  }

  static func clipByValue(_ grads: Values, _ clipValue: Double) -> Values {
    grads.map { $0.map { $0.isNaN ? $0 : min(max($0, -clipValue), clipValue) } }
  }
}

/// A small seeded training problem: a model, its data and its loss.
struct Problem {
  let name: String
  let makeModel: () -> any Module
  let lossFunction: LossFunction
  let learningRate: Double
  /// `count` samples that fit the model.
  let makeData: (_ count: Int, _ rng: inout SplitMix64) throws -> Dataset

  /// The mean loss and its gradient over `batch` at parameter values `state`,
  /// on a scratch copy of the model.
  func gradient(at state: Values, on batch: Batch) throws -> (loss: Double, grad: Values) {
    let model = makeModel()
    load(state, into: model)
    let loss = try lossFunction(model(batch.inputs), batch.targets)
    try loss.backward()
    return (loss.item(), model.parameters().map { $0.grad?.data ?? [Double](repeating: 0, count: $0.count) })
  }

  /// The large-batch gradient: the micro-batches joined into one batch,
  /// one forward and one backward pass.
  func largeBatchGradient(at state: Values, on batches: [Batch]) throws -> (loss: Double, grad: Values) {
    try gradient(at: state, on: Batch.concatenated(batches))
  }

  var initialState: Values { makeModel().parameters().map(\.data) }

  // MARK: Fixtures

  /// An MLP regression with mean-squared error.
  static func regression(seed: UInt64, inputs: Int = 3, hidden: Int = 6, outputs: Int = 2) -> Problem {
    Problem(
      name: "MLP regression (seed \(seed))",
      makeModel: {
        var rng = SplitMix64(seed: seed)
        return MLP([inputs, hidden, outputs], activation: .tanh, rng: &rng)
      },
      lossFunction: { try mse($0, $1) }, learningRate: 0.1,
      makeData: { count, rng in
        try Dataset(inputs: .randn([count, inputs], rng: &rng), targets: .randn([count, outputs], rng: &rng))
      })
  }

  /// An MLP classifier on spirals with softmax cross-entropy.
  static func classifier(seed: UInt64) -> Problem {
    Problem(
      name: "MLP classifier (seed \(seed))",
      makeModel: {
        var rng = SplitMix64(seed: seed)
        return MLP([2, 8, 3], activation: .relu, rng: &rng)
      },
      lossFunction: { try softmaxCrossEntropy($0, $1) }, learningRate: 0.2,
      makeData: { count, rng in try .spirals(classes: 3, pointsPerClass: (count + 2) / 3, rng: &rng) })
  }

  /// An Elman RNN on the adding problem, started with exploding recurrent weights.
  static func recurrent(seed: UInt64, hidden: Int = 8) -> Problem {
    Problem(
      name: "RNN on the adding problem (seed \(seed))",
      makeModel: {
        var rng = SplitMix64(seed: seed)
        return RNN(
          inputSize: 2, hiddenSize: hidden, outputSize: 1, recurrentInit: .orthogonal(gain: 1.5), inputStd: 0.5,
          rng: &rng)
      },
      lossFunction: { try mse($0, $1) }, learningRate: 0.05,
      makeData: { count, rng in try .addingProblem(count: count, length: 6, rng: &rng) })
  }

  /// `sizes.count` micro-batches of the given sizes, of data that fits the problem.
  func microBatches(sizes: [Int], seed: UInt64) throws -> [Batch] {
    var rng = SplitMix64(seed: seed &+ 0x5EED)
    let total = sizes.reduce(0, +)
    let data = try makeData(total, &rng)
    // A shuffled selection, so micro-batches mix classes and regions.
    let order = (0..<data.count).shuffledDeterministically(seed: seed)
    return try data.batch(Array(order.prefix(total))).split(sizes: sizes)
  }
}

func load(_ state: Values, into model: any Module) {
  for (p, values) in zip(model.parameters(), state) { p.data = values }
}

func values(of model: any Module) -> Values { model.parameters().map(\.data) }

extension Range where Bound == Int {
  /// Fisher–Yates with the workbook's seeded generator.
  func shuffledDeterministically(seed: UInt64) -> [Int] {
    var rng = SplitMix64(seed: seed)
    var items = Array(self)
    for i in stride(from: items.count - 1, to: 0, by: -1) { items.swapAt(i, rng.int(below: i + 1)) }
    return items
  }
}
