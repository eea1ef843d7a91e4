/// The training-step checks of exercises 1 and 2, judged the same way for
/// both kinds of clipping.
enum ClippedStep {
  /// How close a step must come to the reference's (the batch's loss and
  /// norm, the gradient `step()` used, the parameters after).
  static let tolerance = 1e-10
  /// How far a 100-step run may drift: correct code that rounds in
  /// another order stays within 1e-15.
  static let trainingTolerance = 1e-9
  /// A loss above this counts as blown up.
  static let blowUp = 1e3

  /// Scenarios come in pairs: a `trainStep` and the student's own clipping
  /// of that step's batch gradient. A wrong step whose cause is a wrong
  /// clipping function says so.
  static func judge(_ evidence: Evidence, clipFunction: String) throws {
    let steps = stride(from: 0, to: evidence.items.count, by: 2).map { evidence.items[$0] }
    let clips = stride(from: 1, to: evidence.items.count, by: 2).map { evidence.items[$0] }
    for (step, clip) in zip(steps, clips) {
      guard Agreement.distance(step.student, step.answer.expected) > tolerance else { continue }
      var words = Difference.describe(step, function: "trainStep")
      let known = !Verdict.matches(step, evidence: evidence, tolerance: tolerance).isEmpty
      if !known, Agreement.distance(clip.student, clip.answer.expected) > 1e-12 {
        words = "Your \(clipFunction) is not right on this batch's gradient either ("
          + Difference.describe(clip, function: clipFunction).dropLast()
          + "), and trainStep calls it: fix \(clipFunction) first. " + words
      }
      throw Verdict.finding(words, item: step, evidence: evidence, function: "trainStep", tolerance: tolerance)
    }
  }

  /// A whole exploding run: step by step the reference's, to
  /// `trainingTolerance`; a message that says first how each run went.
  static func judgeTraining(_ evidence: Evidence, call: String) throws {
    guard let item = evidence.items.first else { return }
    guard Agreement.distance(item.student, item.answer.expected) > trainingTolerance else { return }
    let steps = item.answer.expected.events.compactMap(\.step).count
    let summary = "Training an exploding RNN for \(steps) steps with \(call), your run \(course(item.student)); "
      + "clipped training from the same start \(course(item.answer.expected))."
    throw Verdict.finding(
      summary + " " + Difference.describe(item, function: "trainStep"), item: item, evidence: evidence,
      function: "trainStep", tolerance: trainingTolerance)
  }

  /// Where a run went: blown up, or its last losses.
  static func course(_ observation: Observation) -> String {
    let losses: [Double]
    switch observation.outcome.returned {
    case let .records(records)?: losses = records.map(\.loss)
    case let .numbers(values)?: losses = values
    default: return "ended with “\(observation.outcome.thrown?.message ?? "no result")”"
    }
    if let k = losses.firstIndex(where: { !($0 <= blowUp) }) {
      return "blew up: its loss \(losses[k].isNaN ? "became NaN" : "passed \(fixed(blowUp))") at step \(k + 1)"
    }
    let tail = losses.suffix(10)
    return "ends at a mean loss of \(fixed(tail.reduce(0, +) / Double(max(1, tail.count)), 3)) over the last 10 steps"
  }
}
