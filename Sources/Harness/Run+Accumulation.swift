import Autograd
import Contract
import Datasets

// Exercises 3 and 4: the accumulation loop, with or without clipping.

extension Run {
  mutating func accumulation(_ spec: AccumulationSpec, exercise: Exercise, code: WorkbookCode) throws {
    recorder = Recorder(wholeSteps: spec.wholeSteps)
    let problem = spec.problem.problem
    let batches = try problem.microBatches(sizes: spec.sizes, seed: spec.seed)
    let model = problem.makeModel()
    if spec.staleGradients { plantStaleGradients(model, seed: spec.seed) }
    let optimizer = makeOptimizer(spec.optimizer, model: model, problem: problem)
    let loss = recordingLoss(problem.lossFunction, batches: batches, recorder: recorder)
    let meter = MemoryMeter(budget: try spec.memoryBudget.map { try Self.budget($0, problem: problem, batches: batches) })
    if let budget = meter.budget { observation.measured["budget bytes"] = Double(budget) }
    defer {
      observation.parameters = Snapshot(values(of: model), whole: spec.wholeSteps)
      if spec.wholeSteps { observation.gradients = model.parameters().map { $0.grad?.data } }
      observation.measured["peak bytes"] = Double(meter.peakBytes)
    }
    let steps = spec.accumulationSteps
    if exercise == .ex3 {
      let ex3 = try need(code.ex3, .ex3)
      observation.outcome = .returned(
        .numbers(
          try meter.measure {
            try recorder.watchingBackward { try ex3.trainWithAccumulation(model, optimizer, batches, steps, loss) }
          }))
      return
    }
    let ex4 = try need(code.ex4, .ex4)
    let maxNorm = try Self.maxNorm(spec, problem: problem, batches: batches)
    observation.measured["maxNorm"] = maxNorm
    let clipper = handedClipper(local: ex4.clipper)
    observation.outcome = .returned(
      .records(
        try meter.measure {
          try recorder.watchingBackward {
            try ex4.trainWithAccumulationAndClipping(model, optimizer, batches, steps, loss, maxNorm, clipper)
          }
        }))
  }

  func makeOptimizer(_ kind: AccumulationSpec.OptimizerKind, model: any Module, problem: Problem) -> RecordingOptimizer {
    let parameters = model.parameters()
    switch kind {
    case .recording: return RecordingOptimizer(parameters, lr: problem.learningRate, recorder: recorder)
    case let .sgd(lr): return RecordingOptimizer(parameters, lr: lr, recorder: recorder)
    case let .adam(lr): return RecordingOptimizer(parameters, lr: lr, inner: Adam(parameters, lr: lr), recorder: recorder)
    }
  }

  /// The scenario's maxNorm: given, or a fraction of the first window's
  /// large-batch gradient norm (the engine's own baseline).
  static func maxNorm(_ spec: AccumulationSpec, problem: Problem, batches: [Batch]) throws -> Double {
    switch spec.maxNorm {
    case let .value(v)?: return v
    case let .fractionOfFirstWindow(f)?:
      let first = spec.windows.first.map { $0.map { batches[$0] } } ?? [batches[0]]
      return f * l2(try problem.largeBatchGradient(at: problem.initialState, on: first).grad)
    case nil: return .infinity
    }
  }

  /// `factor` times the activations the largest micro-batch's forward and
  /// backward pass keeps alive at its peak: room for one micro-batch's
  /// graph at a time, not for a window's.
  static func budget(_ factor: Double, problem: Problem, batches: [Batch]) throws -> Int {
    let meter = MemoryMeter()
    let model = problem.makeModel()
    let largest = batches.max { $0.count < $1.count } ?? batches[0]
    try meter.measure { try problem.lossFunction(model(largest.inputs), largest.targets).backward() }
    return Int(factor * Double(meter.peakBytes))
  }
}
