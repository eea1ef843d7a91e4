import Autograd
import Datasets
import Foundation

/// One graded run of an accumulation loop (exercise 3, or 4 with `maxNorm`).
struct AccumulationScenario {
  var problem: Problem
  var sizes: [Int]
  var steps: Int
  var seed: UInt64
  var maxNorm: Double? = nil

  /// The micro-batch indices of each window, as the loop should group them.
  var windows: [[Int]] {
    stride(from: 0, to: sizes.count, by: steps).map { Array($0..<min($0 + steps, sizes.count)) }
  }

  var description: String {
    "\(problem.name), micro-batch sizes \(sizes), accumulationSteps \(steps)"
      + (maxNorm.map { ", maxNorm \(fixed($0))" } ?? "")
  }
}

/// What the student's loop did in a scenario.
struct AccumulationRun {
  var scenario: AccumulationScenario
  var batches: [Batch]
  var log: EventLog
  var stale: Values
  var final: Values
}

/// Runs the student's loop on a fresh model with planted stale gradients,
/// recording every loss and step. `loop` calls the student's function.
func runAccumulation(
  _ scenario: AccumulationScenario,
  _ loop: (_ model: any Module, _ optimizer: any Optimizer, _ batches: [Batch], _ loss: @escaping LossFunction) throws -> Void
) throws -> AccumulationRun {
  let batches = try scenario.problem.microBatches(sizes: scenario.sizes, seed: scenario.seed)
  let model = scenario.problem.makeModel()
  let stale = plantStaleGradients(model, seed: scenario.seed)
  let log = EventLog()
  let optimizer = RecordingSGD(model.parameters(), lr: scenario.problem.learningRate, log: log)
  try loop(model, optimizer, batches, recordingLoss(scenario.problem.lossFunction, batches: batches, log: log))
  return AccumulationRun(scenario: scenario, batches: batches, log: log, stale: stale, final: values(of: model))
}

/// The large-batch trajectory the loop must reproduce: per window, its
/// starting parameters, mean loss and gradient norm before clipping.
func expectedTrajectory(_ scenario: AccumulationScenario, batches: [Batch]) throws
  -> (states: [Values], losses: [Double], norms: [Double], final: Values)
{
  var state = scenario.problem.initialState
  var states: [Values] = [], losses: [Double] = [], norms: [Double] = []
  for window in scenario.windows {
    let (loss, g) = try scenario.problem.largeBatchGradient(at: state, on: window.map { batches[$0] })
    states.append(state)
    losses.append(loss)
    norms.append(norm(g))
    let applied = scenario.maxNorm.map { Oracle.clipByNorm(g, maxNorm: $0) } ?? g
    state = subtract(state, scale(applied, scenario.problem.learningRate))
  }
  return (states, losses, norms, state)
}

/// Judges a run: when step() was called, what gradient each step used, and
/// where the parameters ended. Throws a `Finding` naming the first problem.
func judgeAccumulation(_ run: AccumulationRun) throws {
  let scenario = run.scenario
  let expected = scenario.windows
  let (steps, trailing) = run.log.steps
  try judgeSchedule(observed: steps.map(\.microBatches), trailing: trailing, expected: expected, scenario: scenario)
  var previous = run.stale
  for (w, step) in steps.enumerated() {
    try judgeStep(w, step, previous: previous, run: run)
    previous = step.grads
  }
  let reference = try expectedTrajectory(scenario, batches: run.batches)
  let distance = relativeDistance(run.final, reference.final)
  guard distance <= equivalenceTolerance else {
    throw Finding(
      "After training, the parameters differ from those of large-batch training by \(sci(distance)) (relative; "
        + "allowed \(sci(equivalenceTolerance))), although every step() saw the right gradient: were the "
        + "parameters changed outside optimizer.step()? [\(scenario.description)]")
  }
}

private func judgeSchedule(
  observed: [[Int]], trailing: [Int], expected: [[Int]], scenario: AccumulationScenario
) throws {
  // Compare by position only: which micro-batches came before each step.
  let observedSizes = observed.map(\.count), expectedSizes = expected.map(\.count)
  guard observedSizes != expectedSizes else { return }
  let context = "[\(scenario.description)]"
  let observedEnds = observedSizes.reduce(into: [Int]()) { $0.append(($0.last ?? 0) + $1) }
  let expectedEnds = expectedSizes.reduce(into: [Int]()) { $0.append(($0.last ?? 0) + $1) }
  let seen = "optimizer.step() ran after micro-batch \(list(observedEnds)); it should run after \(list(expectedEnds))"
  if observed.isEmpty {
    throw Finding("optimizer.step() was never called. \(context)")
  }
  // A step after every micro-batch, not merely after a first one of size 1
  // (that is `i % steps == 0` with a 0-based i, below).
  if scenario.steps > 1, observedSizes.count == scenario.sizes.count, observedSizes.allSatisfy({ $0 == 1 }) {
    throw Finding("\(seen): a step after every micro-batch. \(context)", mistake: .stepEveryMicroBatch)
  }
  if expectedSizes.last != scenario.steps, observedSizes == Array(expectedSizes.dropLast()) {
    throw Finding(
      "\(seen): the last \(expectedSizes.last!) micro-batch(es) never got a step. \(context)",
      mistake: .partialWindowDropped)
  }
  if let first = observedSizes.first, abs(first - scenario.steps) == 1 || (first == 1 && scenario.steps > 1) {
    throw Finding("\(seen). \(context)", mistake: .stepOffByOne)
  }
  throw Finding("\(seen). \(context)")
}

private func list(_ ends: [Int]) -> String {
  ends.map(String.init).joined(separator: ", ")
}

/// A wrong result that a known mistake would produce.
private struct Signature {
  var mistake: Mistake
  var explanation: String
  var gradient: Values
}

private func judgeStep(_ w: Int, _ step: EventLog.Step, previous: Values, run: AccumulationRun) throws {
  let scenario = run.scenario
  let problem = scenario.problem
  let window = scenario.windows[w]
  let batches = window.map { run.batches[$0] }
  let sizes = batches.map(\.count)
  let total = Double(sizes.reduce(0, +))
  let large = try problem.largeBatchGradient(at: step.params, on: batches).grad
  let clip: (Values) -> Values = { g in scenario.maxNorm.map { Oracle.clipByNorm(g, maxNorm: $0) } ?? g }
  let correct = clip(large)
  let distance = relativeDistance(step.grads, correct)
  if distance <= equivalenceTolerance { return }

  let where_ =
    "At optimizer step \(w + 1) (micro-batches \(window.first! + 1)–\(window.last! + 1) of \(run.batches.count))"
  let context = "[\(scenario.description)]"
  if norm(step.grads) == 0 {
    // zeroGrad() clears to nil; gradients that are there but all 0 come
    // from backward() on losses multiplied by 0.
    if step.withoutGradient == 0, !step.microBatches.isEmpty {
      throw Finding(
        "\(where_), every gradient was there but exactly 0, so the step did not move the parameters: each loss "
          + "was multiplied by 0 before backward(). Double(n / N) divides the integers first, and n / N is 0 "
          + "for n < N; divide Doubles: Double(n) / Double(N). \(context)",
        mistake: .weightFromIntegerDivision)
    }
    throw Finding("\(where_), every gradient was zero or missing when step() ran: was backward() called before step(), and zeroGrad() only after it? \(context)")
  }

  // Mean-loss gradient of each micro-batch at the parameters of this step.
  let micro = try batches.map { try problem.gradient(at: step.params, on: $0).grad }
  let weights = sizes.map { Double($0) / total }
  let m = batches.count, k = scenario.steps
  let sum = micro.dropFirst().reduce(micro[0], add)
  let unequal = Set(sizes).count > 1
  var candidates: [Signature] = []

  if let maxNorm = scenario.maxNorm {
    candidates.append(Signature(
      mistake: .clipAtWrongTime, explanation: "step() used the accumulated gradient unclipped", gradient: large))
    var running = zeros(like: large)
    for (g, wt) in zip(micro, weights) { running = Oracle.clipByNorm(add(running, scale(g, wt)), maxNorm: maxNorm) }
    if m > 1 {
      candidates.append(Signature(
        mistake: .clipEachMicroBatch,
        explanation: "the gradient was clipped after every micro-batch's backward(), not once for the window",
        gradient: running))
      let allButLast = zip(micro.dropLast(), weights.dropLast()).reduce(zeros(like: large)) { add($0, scale($1.0, $1.1)) }
      candidates.append(Signature(
        mistake: .clipAtWrongTime,
        explanation: "the gradient was clipped before the last micro-batch's backward() had added to it",
        gradient: add(Oracle.clipByNorm(allButLast, maxNorm: maxNorm), scale(micro[m - 1], weights[m - 1]))))
      // Undivided losses "made up for" by a threshold k times larger: the
      // clipped step is then exactly k times the right clipped step.
      for factor in Set([m, k]) {
        candidates.append(Signature(
          mistake: .lossNotDivided,
          explanation: "the losses were not divided (the gradient is the sum of the \(m) micro-batch gradients) and "
            + "maxNorm was multiplied by \(factor) to make up for it, which makes the step \(factor)× too long",
          gradient: Oracle.clipByNorm(sum, maxNorm: maxNorm * Double(factor))))
      }
    }
  }
  if m > 1 {
    candidates.append(Signature(
      mistake: .lossNotDivided,
      explanation: "the gradient is the sum of the \(m) micro-batch gradients, \(m)× the large-batch gradient",
      gradient: clip(sum)))
    for (label, g) in [
      ("weighted as it should be", scale(micro[m - 1], weights[m - 1])), ("divided by \(k)", scale(micro[m - 1], 1 / Double(k))),
      ("undivided", micro[m - 1]),
    ] {
      candidates.append(Signature(
        mistake: .zeroGradInsideWindow,
        explanation: "only the last micro-batch's gradient (\(label)) was left in .grad at step()",
        gradient: clip(g)))
    }
  }
  if m < k {
    candidates.append(Signature(
      mistake: .partialWindowDividedBySteps,
      explanation: "this last window holds \(m) micro-batch(es) but each loss was divided by \(k), so the step is \(m)/\(k) of the right one",
      gradient: clip(scale(sum, 1 / Double(k)))))
  }
  if unequal {
    candidates.append(Signature(
      mistake: .meanOfMicroBatchMeans,
      explanation: "the micro-batches (sizes \(sizes)) were weighted equally, so samples in small ones count more",
      gradient: clip(scale(sum, 1 / Double(m)))))
    if m == k {
      candidates.append(Signature(
        mistake: .meanOfMicroBatchMeans,
        explanation: "each loss was divided by \(k) whatever its micro-batch's size \(sizes)",
        gradient: clip(scale(sum, 1 / Double(k)))))
    }
  }
  if norm(previous) > 0 {
    let what = w == 0
      ? "the stale gradients already in .grad before the loop started were still there (no zeroGrad() before the first window)"
      : "the previous step's gradient was still in .grad (no zeroGrad() after step())"
    candidates.append(Signature(mistake: .noZeroGradAfterStep, explanation: what, gradient: clip(add(large, previous))))
  }

  // A candidate names the mistake when it is not the right gradient itself
  // and the step's gradient is clearly closer to it than to the right one.
  // Clipping can bring a wrong gradient within 1e-7 of the right one (a
  // gradient m× too large is clipped to the same length, off only by the
  // 1e-6 in the factor), so closeness is judged against `distance` too.
  for candidate in candidates
  where relativeDistance(candidate.gradient, correct) > equivalenceTolerance
    && relativeDistance(step.grads, candidate.gradient) <= min(signatureTolerance, distance / 10)
  {
    let hidden = relativeDistance(candidate.gradient, correct) < 1e-3
      ? " Clipping to maxNorm hides most of the difference here, not all of it." : ""
    throw Finding(
      "\(where_), the gradient step() used matches what happens when \(candidate.explanation).\(hidden) \(context)",
      mistake: candidate.mistake)
  }
  let ratio = norm(step.grads) / max(norm(correct), 1e-300)
  let cosine = zip(flat(step.grads), flat(correct)).reduce(0) { $0 + $1.0 * $1.1 } / max(norm(step.grads) * norm(correct), 1e-300)
  throw Finding(
    "\(where_), the gradient step() used differs from the large-batch gradient\(scenario.maxNorm == nil ? "" : " after clipping") "
      + "by \(sci(distance)) (relative; allowed \(sci(equivalenceTolerance))). Its norm is \(fixed(ratio))× the right one "
      + "and the angle between them is \(fixed(acos(min(1, max(-1, cosine))) * 180 / .pi, 3))°. \(context)")
}

/// The invalid-arguments check of the loops that clip (exercises 4 and 5):
/// accumulationSteps 0 or -1, or a negative maxNorm, must throw
/// invalidArgument before anything is trained.
///
/// `train` runs the loop on the model with the given accumulationSteps and
/// maxNorm, and sets `othersUntouched` to whether the state it keeps besides
/// the model (a loss scale) is still as it was, also when the loop throws.
func expectRejectedBeforeTraining(
  _ function: String,
  _ train: (
    _ model: any Module, _ batches: [Batch], _ loss: @escaping LossFunction, _ steps: Int, _ maxNorm: Double,
    _ othersUntouched: inout Bool
  ) throws -> Void
) throws {
  let problem = Problem.regression(seed: 1)
  let batches = try problem.microBatches(sizes: [4, 4], seed: 1)
  for (steps, maxNorm) in [(0, 1.0), (-1, 1.0), (2, -0.5)] {
    let model = problem.makeModel()
    let before = values(of: model)
    let call = "\(function)(accumulationSteps: \(steps), maxNorm: \(maxNorm))"
    var othersUntouched = true
    try expectInvalidArgument(call) { try train(model, batches, problem.lossFunction, steps, maxNorm, &othersUntouched) }
    // An error after a window has run leaves gradients (or worse,
    // parameters) behind that the caller did not ask for.
    if model.parameters().contains(where: { $0.grad != nil }) || values(of: model) != before || !othersUntouched {
      throw Finding(
        "\(call) threw invalidArgument only after training had started: the model's gradients, its parameters "
          + "or the loop's other state had already changed. Check the arguments before the first micro-batch.",
        mistake: .validatesTooLate)
    }
  }
}
