import Autograd
import Datasets

/// The clipped-training checks of exercises 1 and 2: an Elman RNN (hidden
/// 16, recurrent weights 1.5 × orthogonal) on the adding problem with
/// sequences of 6, plain SGD at learning rate 0.2, 100 batches of 32.
/// Without clipping its loss passes 1e3 within 10 steps, as the demo's
/// run does later; clipped by norm (1) or by value (0.1) it trains.
enum ExplodingTraining {
  static let steps = 100
  static let learningRate = 0.2
  /// A loss above this counts as blown up.
  static let blowUp = 1e3
  /// How far a run may drift from the reference, relative. Correct code
  /// that rounds in another order stays within 1e-15 over the 100 steps.
  static let tolerance = 1e-9

  static func setup() throws -> (problem: Problem, batches: [Batch]) {
    let problem = Problem.recurrent(seed: 4, hidden: 16)
    var rng = SplitMix64(seed: 4)
    let data = try Dataset.addingProblem(count: 32 * steps, length: 6, rng: &rng)
    let loader = try DataLoader(data, batchSize: 32, seed: 4)
    return (problem, Array(loader.batches(epoch: 0)))
  }

  /// Where a run went, for the message: blown up, or its last losses.
  static func outcome(_ losses: [Double]) -> String {
    if let k = losses.firstIndex(where: { !($0 <= blowUp) }) {
      return "blew up: its loss \(losses[k].isNaN ? "became NaN" : "passed \(fixed(blowUp))") at step \(k + 1)"
    }
    return "ends at a mean loss of \(fixed(tail(losses), 3)) over the last 10 steps"
  }

  static func tail(_ losses: [Double]) -> Double { losses.suffix(10).reduce(0, +) / Double(min(10, losses.count)) }
}

/// Trains the exploding RNN with the student's `step` and compares every
/// step with clipped training from the same weights on the same batches
/// (`kind.clip` at `threshold`), to `ExplodingTraining.tolerance`. The first
/// step that leaves it is judged as the train-step check judges one, at the
/// student's own parameters.
///
/// - Parameter call: "trainStep(maxNorm: 1)", for the message.
func expectClippedTraining(
  _ call: String, kind: ClipKind, threshold: Double,
  step: (any Module, any Optimizer, Batch, @escaping LossFunction) throws -> Double
) throws {
  let (problem, batches) = try ExplodingTraining.setup()
  let lr = ExplodingTraining.learningRate
  let model = problem.makeModel()
  let log = EventLog()
  let optimizer = RecordingSGD(model.parameters(), lr: lr, log: log)
  var losses: [Double] = [], starts: [Values] = []
  for batch in batches {
    starts.append(values(of: model))
    losses.append(try step(model, optimizer, batch, problem.lossFunction))
  }
  starts.append(values(of: model))
  let steps = log.steps.steps
  guard steps.count == batches.count else {
    throw Finding("\(batches.count) calls of \(call) called optimizer.step() \(steps.count) times; one training step is one step().")
  }

  var states = [problem.initialState], referenceLosses: [Double] = []
  for batch in batches {
    let (loss, g) = try problem.gradient(at: states.last!, on: batch)
    referenceLosses.append(loss)
    states.append(subtract(states.last!, scale(kind.clip(g, threshold), lr)))
  }
  let summary =
    "Training an exploding RNN for \(batches.count) steps with \(call), your run \(ExplodingTraining.outcome(losses)); "
    + "clipped training from the same start \(ExplodingTraining.outcome(referenceLosses))."
  let tolerance = ExplodingTraining.tolerance
  for (k, batch) in batches.enumerated() {
    let lossDistance = relativeDistance([losses[k]], [referenceLosses[k]])
    let drift = relativeDistance(starts[k + 1], states[k + 1])
    guard lossDistance > tolerance || drift > tolerance else { continue }
    // The parameters before this step still agree: judge it at the
    // student's own parameters, as the train-step check judges one step.
    let (loss, g) = try problem.gradient(at: starts[k], on: batch)
    do {
      try judgeAppliedGradient(
        steps[k].grads, gradient: g, limit: threshold, stale: k > 0 ? steps[k - 1].grads : nil, kind: kind,
        context: problem.name)
    } catch let finding as Finding {
      throw Finding("\(summary) At step \(k + 1): \(finding.message)", mistake: finding.mistake)
    }
    if relativeDistance([losses[k]], [loss]) > 1e-12 {
      throw Finding("\(summary) At step \(k + 1), \(call) returned loss \(losses[k]); the batch's loss is \(loss).")
    }
    throw Finding(
      "\(summary) At step \(k + 1), step() used the right gradient, yet the parameters after it are \(sci(drift)) "
        + "(relative) from the reference: were they changed outside optimizer.step()?")
  }
}
