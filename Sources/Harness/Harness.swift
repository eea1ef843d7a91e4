import Autograd
import Contract
import Datasets
import Measures

/// Runs scenarios on an exercise's code and reports what it did: the part
/// of grading that runs in the student's process.
///
/// It reaches no verdict and holds no expected value, no mistake and no
/// key: the judge, in another process, compares what it reports with what
/// the answer key's code does in the same scenario.
public enum Harness {
  /// Answers a call of the clipping a loop was handed.
  public typealias Clipping = (ClipQuestion) -> ClipAnswer

  /// What `request`'s function of `code` does in its scenario.
  ///
  /// - Parameter clipping: answers the clipping handed to exercise 4's and
  ///   5's loops (unless the code brings its own, as the runner that pairs
  ///   exercise 4 with the student's exercise 1 does).
  public static func observe(_ request: Request, code: WorkbookCode, clipping: @escaping Clipping) -> Observation {
    var run = Run(recorder: Recorder(wholeSteps: true), clipping: clipping)
    do {
      try run.perform(request, code: code)
    } catch {
      run.observation.outcome = .threw(Thrown(error))
    }
    run.observation.events = run.recorder.events
    return run.observation
  }
}

/// One scenario being run: what it has observed so far.
struct Run {
  var recorder: Recorder
  let clipping: Harness.Clipping
  var observation = Observation(outcome: .returned(.nothing))

  init(recorder: Recorder, clipping: @escaping Harness.Clipping) {
    self.recorder = recorder
    self.clipping = clipping
  }

  mutating func perform(_ request: Request, code: WorkbookCode) throws {
    switch (request.exercise, request.scenario) {
    case let (.ex1, .gradNorm(spec, normType)):
      let ex1 = try need(code.ex1, .ex1)
      try call(spec) { .number(try ex1.gradNorm($0, normType)) }
    case let (.ex1, .clipGradNorm(spec, maxNorm, normType, errorIfNonfinite)):
      let ex1 = try need(code.ex1, .ex1)
      try call(spec) { .number(try ex1.clipGradNorm($0, maxNorm, normType, errorIfNonfinite)) }
    case let (.ex2, .clipGradValue(spec, clipValue)):
      let ex2 = try need(code.ex2, .ex2)
      try call(spec) {
        try ex2.clipGradValue($0, clipValue)
        return .nothing
      }
    case let (.ex2, .compareClipping(vector, maxNorm, clipValue)):
      let ex2 = try need(code.ex2, .ex2)
      observation.outcome = .returned(.comparison(try ex2.compareClipping(vector, maxNorm, clipValue)))
    case let (.ex1, .trainStep(spec)), let (.ex2, .trainStep(spec)):
      try trainStep(spec, exercise: request.exercise, code: code)
    case let (.ex1, .ownClip(spec)):
      let ex1 = try need(code.ex1, .ex1)
      let threshold = try StepSetup(spec).threshold
      observation.measured["threshold"] = threshold
      try call(GradientSpec(.batchGradient(spec))) { .number(try ex1.clipGradNorm($0, threshold, 2, false)) }
    case let (.ex2, .ownClip(spec)):
      let ex2 = try need(code.ex2, .ex2)
      let threshold = try StepSetup(spec).threshold
      observation.measured["threshold"] = threshold
      try call(GradientSpec(.batchGradient(spec))) {
        try ex2.clipGradValue($0, threshold)
        return .nothing
      }
    case let (.ex1, .training(spec)), let (.ex2, .training(spec)):
      try training(spec, exercise: request.exercise, code: code)
    case let (.ex3, .accumulation(spec)), let (.ex4, .accumulation(spec)):
      try accumulation(spec, exercise: request.exercise, code: code)
    case let (.ex5, .unscaleGradients(spec)):
      try unscale(spec, code: try need(code.ex5, .ex5))
    case let (.ex5, .updateScale(spec)):
      try updateScale(spec, code: try need(code.ex5, .ex5))
    case let (.ex5, .mixedPrecision(spec)):
      try mixedPrecision(spec, code: try need(code.ex5, .ex5))
    case let (.ex6, .accumulationLimits(scenario)):
      try accumulationLimits(scenario, code: try need(code.ex6, .ex6))
    case let (.ex7, .gradientHealth(spec)):
      try gradientHealth(spec, code: try need(code.ex7, .ex7))
    default:
      throw HarnessError.noCode(request.exercise)
    }
  }

  func need<Code>(_ code: Code?, _ exercise: Exercise) throws -> Code {
    guard let code else { throw HarnessError.noCode(exercise) }
    return code
  }

  /// Calls a clipping function on planted gradients and keeps what it
  /// returned and what it left in the gradients and parameters.
  mutating func call(_ spec: GradientSpec, _ body: ([Tensor]) throws -> Returned) throws {
    let parameters = try spec.build()
    defer {
      observation.gradients = parameters.map { $0.grad?.data }
      observation.parameters = .full(parameters.map(\.data))
    }
    observation.outcome = .returned(try body(parameters))
  }

  /// The clipping a loop is handed: the judge answers each call, unless
  /// the runner brings its own (`local`, the student's exercise 1).
  func handedClipper(local: GradNormClipper? = nil) -> GradNormClipper {
    let recorder = self.recorder
    let clipping = self.clipping
    return GradNormClipper { parameters, maxNorm, normType, errorIfNonfinite in
      let question = ClipQuestion(
        gradients: parameters.map { $0.grad?.data }, maxNorm: maxNorm, normType: normType,
        errorIfNonfinite: errorIfNonfinite)
      if let local {
        recorder.record(
          .clip(ClipSeen(input: Snapshot(Compare.gradients(of: parameters), whole: recorder.wholeSteps), maxNorm: maxNorm,
            answered: true)))
        return try local(parameters, maxNorm: maxNorm, normType: normType, errorIfNonfinite: errorIfNonfinite)
      }
      let answer = clipping(question)
      var answered = true
      if case .unknown = answer { answered = false }
      recorder.record(
        .clip(
          ClipSeen(
            input: Snapshot(Compare.gradients(of: parameters), whole: recorder.wholeSteps), maxNorm: maxNorm,
            answered: answered)))
      switch answer {
      case let .scaled(factor, norm):
        for grad in parameters.compactMap(\.grad) { grad.data = grad.data.map { $0 * factor } }
        return norm
      case let .threw(thrown): throw thrown.asError
      case .unknown: throw HarnessError.unanswered
      }
    }
  }
}
