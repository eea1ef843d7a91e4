import Autograd
import Contract
import Datasets

// Exercises 1 and 2: one `trainStep`, and a whole exploding run of them.

extension Run {
  /// One `trainStep` on a batch with stale gradients planted.
  mutating func trainStep(_ spec: StepSpec, exercise: Exercise, code: WorkbookCode) throws {
    let setup = try StepSetup(spec)
    let model = setup.problem.makeModel()
    plantStaleGradients(model, seed: spec.problem.seed)
    let optimizer = RecordingOptimizer(model.parameters(), lr: setup.problem.learningRate, recorder: recorder)
    let loss = recordingLoss(setup.problem.lossFunction, batches: [setup.batch], recorder: recorder)
    observation.measured["threshold"] = setup.threshold
    defer { observation.parameters = .full(values(of: model)) }
    let step = try stepFunction(exercise, code: code)
    observation.outcome = .returned(
      try recorder.watchingBackward { try step(model, optimizer, setup.batch, loss, setup.threshold) })
  }

  /// `trainStep` once per batch of an exploding RNN, from the same start.
  mutating func training(_ spec: TrainingSpec, exercise: Exercise, code: WorkbookCode) throws {
    recorder = Recorder(wholeSteps: false)
    let problem = ProblemSpec.recurrent(seed: spec.seed, hidden: 16).problem
    var rng = SplitMix64(seed: spec.seed)
    let data = try Dataset.addingProblem(count: 32 * spec.steps, length: 6, rng: &rng)
    let batches = Array(try DataLoader(data, batchSize: 32, seed: spec.seed).batches(epoch: 0))
    let model = problem.makeModel()
    let optimizer = RecordingOptimizer(model.parameters(), lr: Self.explodingRate, recorder: recorder)
    let loss = recordingLoss(problem.lossFunction, batches: batches, recorder: recorder)
    let step = try stepFunction(exercise, code: code)
    var returned: [Returned] = []
    defer {
      observation.parameters = .full(values(of: model))
      observation.outcome = .returned(Self.joined(returned))
    }
    try recorder.watchingBackward {
      for batch in batches { returned.append(try step(model, optimizer, batch, loss, spec.threshold)) }
    }
  }

  /// Plain SGD's learning rate in the exploding run: without clipping its
  /// loss passes 1e3 within 10 steps.
  static let explodingRate = 0.2

  /// The exercise's `trainStep`, its result as a `Returned`.
  func stepFunction(_ exercise: Exercise, code: WorkbookCode) throws
    -> (any Module, any Optimizer, Batch, @escaping LossFunction, Double) throws -> Returned
  {
    if exercise == .ex1 {
      let ex1 = try need(code.ex1, .ex1)
      return { .record(try ex1.trainStep($0, $1, $2, $3, $4)) }
    }
    let ex2 = try need(code.ex2, .ex2)
    return { .number(try ex2.trainStep($0, $1, $2, $3, $4)) }
  }

  /// Many steps' results as one: the records, or the losses.
  static func joined(_ results: [Returned]) -> Returned {
    var records: [StepRecord] = [], losses: [Double] = []
    for result in results {
      if case let .record(r) = result { records.append(r) }
      if case let .number(x) = result { losses.append(x) }
    }
    return records.isEmpty ? .numbers(losses) : .records(records)
  }
}
