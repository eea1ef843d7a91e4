import Autograd
import Contract
import Datasets

/// Parameters with seeded gradients, for the clipping checks.
struct GradientCase {
  var parameters: [Tensor]
  /// The gradients as planted; `nil` for a parameter left without one.
  var grads: [[Double]?]
  /// The parameters' values, which clipping must leave alone.
  var initialData: Values

  /// A few parameters of different shapes whose total L2 gradient norm is
  /// `norm` exactly (up to rounding); `withoutGrad` adds one with no gradient.
  static func random(seed: UInt64, norm target: Double, withoutGrad: Bool = true) -> GradientCase {
    var rng = SplitMix64(seed: seed)
    let shapes = [[3, 4], [4], [2, 3]]
    var raw = shapes.map { shape in (0..<shape.reduce(1, *)).map { _ in rng.normal() } }
    let current = norm(raw)
    raw = raw.map { $0.map { $0 * target / current } }
    var parameters = zip(shapes, raw).map { shape, g -> Tensor in
      let p = Tensor.randn(shape, rng: &rng, requiresGrad: true)
      p.grad = Tensor(g, shape: shape)
      return p
    }
    var grads: [[Double]?] = raw
    if withoutGrad {
      parameters.insert(Tensor.randn([2, 2], rng: &rng, requiresGrad: true), at: 1)
      grads.insert(nil, at: 1)
    }
    return GradientCase(parameters: parameters, grads: grads, initialData: parameters.map(\.data))
  }

  /// Parameters with exactly these gradients (and values that are not 0,
  /// so changing them shows).
  static func exact(_ grads: [[Double]?]) -> GradientCase {
    let parameters = grads.map { g in
      let p = Tensor((0..<(g?.count ?? 2)).map { 0.5 + Double($0) }, requiresGrad: true)
      if let g { p.grad = Tensor(g) }
      return p
    }
    return GradientCase(parameters: parameters, grads: grads, initialData: parameters.map(\.data))
  }

  /// The planted gradients that exist, in order.
  var present: Values { grads.compactMap { $0 } }

  /// The gradients now, after the student's code ran (nil stays nil).
  var current: [[Double]?] { parameters.map { $0.grad?.data } }

  /// Checks parameters without a gradient kept none and the parameters'
  /// values are untouched, and returns the gradients there are.
  func currentPresent(_ function: String) throws -> Values {
    for (p, g) in zip(parameters, grads) where g == nil && p.grad != nil {
      throw Finding("\(function) gave a gradient to a parameter that had none; skip parameters whose grad is nil.")
    }
    if zip(parameters, initialData).contains(where: { $0.data != $1 }) {
      let gradsKept = relativeDistance(parameters.compactMap { $0.grad?.data }, present) == 0
      throw Finding(
        "\(function) changed the parameters' values (.data)"
          + (gradsKept ? " and left their gradients (.grad) as they were" : "")
          + ". Clipping changes only the gradients; only optimizer.step() moves the parameters.",
        mistake: gradsKept ? .clipsWeightsNotGradients : nil)
    }
    return parameters.compactMap { $0.grad?.data }
  }
}

/// The training-step checks' setting: a small model, one batch, planted
/// stale gradients, and a recording optimizer.
struct StepScenario {
  var problem: Problem
  var batch: Batch
  var model: any Module
  var log: EventLog
  var optimizer: RecordingSGD
  var stale: Values
  var initial: Values

  init(problem: Problem, seed: UInt64) throws {
    self.problem = problem
    batch = try problem.microBatches(sizes: [16], seed: seed)[0]
    model = problem.makeModel()
    initial = values(of: model)
    stale = plantStaleGradients(model, seed: seed)
    log = EventLog()
    optimizer = RecordingSGD(model.parameters(), lr: problem.learningRate, log: log)
  }

  /// The one step's gradient as the optimizer saw it.
  func singleStep(_ function: String) throws -> Values {
    let steps = log.steps.steps
    guard steps.count == 1 else {
      throw Finding("\(function) called optimizer.step() \(steps.count) times; one training step is one step().")
    }
    return steps[0].grads
  }
}

/// Runs `body`, which gives the student's code a threshold of 0. That is
/// valid (PyTorch accepts it), so `invalidArgument` becomes a finding.
///
/// - Parameter effect: what a threshold of 0 does, for the message.
func expectZeroAccepted(_ call: String, effect: String, _ body: () throws -> Void) throws {
  do {
    try body()
  } catch let error as WorkbookError {
    guard case .invalidArgument = error else { throw error }
    throw Finding(
      "\(call) threw invalidArgument (\(error)). 0 is a valid threshold, as in PyTorch: \(effect). Only a negative one is invalid.")
  }
}
