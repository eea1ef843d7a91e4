import Autograd
import Datasets

/// One kind of clipping as the training-step checks of exercises 1 and 2
/// judge it: the right clip, the other kind a student may use instead, and
/// the student's own clip function, which their `trainStep` calls.
struct ClipKind {
  /// "clipGradNorm" or "clipGradValue".
  var function: String
  /// "clipped" or "value-clipped", for messages.
  var what: String
  /// The gradient `step()` must use, from the batch's gradient and the threshold.
  var clip: (Values, Double) -> Values
  /// The mistake, its description and the clip a student would have used instead.
  var otherKind: (mistake: Mistake, description: String, clip: (Values, Double) -> Values)
  /// The student's clip function on a copy of a gradient: the gradients it
  /// leaves and what it returns, if anything.
  var own: (Values, Double) throws -> (grads: Values, returned: Double?)
  /// Judges the student's clip function on a gradient: throws its finding.
  var judgeOwn: (Values, Double) throws -> Void

  static func norm(_ code: NormClippingCode) -> ClipKind {
    ClipKind(
      function: "clipGradNorm", what: "clipped", clip: { Oracle.clipByNorm($0, maxNorm: $1) },
      otherKind: (.valueClipInsteadOfNorm, "each entry was clamped to ±maxNorm instead of scaling by the norm",
        { Oracle.clipByValue($0, $1) }),
      own: { g, maxNorm in
        let copy = GradientCase.exact(g)
        let returned = try code.clipGradNorm(copy.parameters, maxNorm, 2, false)
        return (copy.parameters.map { $0.grad?.data ?? [] }, returned)
      },
      judgeOwn: { g, maxNorm in
        try NormClippingChecks.expectClip(code, .exact(g), maxNorm: maxNorm, situation: "the batch's gradient")
      })
  }

  static func value(_ code: ValueClippingCode) -> ClipKind {
    ClipKind(
      function: "clipGradValue", what: "value-clipped", clip: { Oracle.clipByValue($0, $1) },
      otherKind: (.normClipInsteadOfValue, "the gradient was scaled by its norm instead of clamped entry by entry",
        { Oracle.clipByNorm($0, maxNorm: $1) }),
      own: { g, clipValue in
        let copy = GradientCase.exact(g)
        try code.clipGradValue(copy.parameters, clipValue)
        return (copy.parameters.map { $0.grad?.data ?? [] }, nil)
      },
      judgeOwn: { g, clipValue in
        try ValueClippingChecks.expectClamp(code, .exact(g), clipValue: clipValue, situation: "the batch's gradient")
      })
  }

  /// When the student's own clip function gives what `explains` accepts and
  /// is wrong for `g`, the caller is right: throws the clip's finding.
  func blameOwnClip(_ g: Values, _ limit: Double, explains: ((grads: Values, returned: Double?)) -> Bool) throws {
    guard let result = try? own(g, limit), explains(result) else { return }
    do {
      try judgeOwn(g, limit)
    } catch let finding as Finding {
      throw Finding(
        "trainStep itself is right; it fails because of your \(function). \(finding.message)", mistake: finding.mistake)
    }
  }
}

/// Judges the gradient a `step()` used: it must be `kind.clip(g, limit)`,
/// g the batch's gradient. A wrong one is blamed on the student's clip
/// function when that explains it, and otherwise matched against the usual
/// mistakes: clipping after `step()`, stale gradients (`stale`, what was in
/// `.grad` before), the other kind of clipping.
///
/// - Parameter context: the problem's name, ending each message.
func judgeAppliedGradient(
  _ applied: Values, gradient g: Values, limit: Double, stale: Values?, kind: ClipKind, context: String
) throws {
  let expected = kind.clip(g, limit)
  let distance = relativeDistance(applied, expected)
  guard distance > 1e-12 else { return }
  try kind.blameOwnClip(g, limit) { relativeDistance(applied, $0.grads) <= 1e-12 }
  var signatures: [(Mistake?, String, Values)] = [
    (.clipAtWrongTime, "step() used the unclipped gradient: clip after backward() and before step()", g)
  ]
  if let stale {
    signatures += [
      (.noZeroGradBeforeBackward,
        "the gradient left over from an earlier step was added in: call zeroGrad() before backward()",
        kind.clip(add(g, stale), limit)),
      (.noZeroGradBeforeBackward, "the gradient left over from an earlier step was added in, and nothing was clipped",
        add(g, stale)),
    ]
  }
  signatures.append((kind.otherKind.mistake, kind.otherKind.description, kind.otherKind.clip(g, limit)))
  for (mistake, description, values) in signatures where relativeDistance(applied, values) <= 1e-9 {
    throw Finding("In trainStep, \(description). [\(context)]", mistake: mistake)
  }
  throw Finding(
    "In trainStep, the gradient step() used differs from the \(kind.what) gradient by \(sci(distance)) "
      + "(relative). [\(context)]")
}

/// Judges one training step with clipping, the same way for both kinds:
/// the gradient `step()` used (see `judgeAppliedGradient`) and the loss
/// returned, which must be the batch's loss.
///
/// - Parameters:
///   - threshold: maxNorm or clipValue, chosen from g so clipping is active.
///   - run: calls the student's `trainStep` and returns the loss it reports.
/// - Returns: the batch's gradient and the threshold, for further checks.
func judgeClippedStep(
  seed: UInt64, kind: ClipKind, threshold: (Values) -> Double, run: (StepScenario, Double) throws -> Double
) throws -> (gradient: Values, threshold: Double) {
  let problem = Problem.recurrent(seed: seed)
  let scenario = try StepScenario(problem: problem, seed: seed)
  let (loss, g) = try problem.gradient(at: scenario.initial, on: scenario.batch)
  let limit = threshold(g)
  let returnedLoss = try run(scenario, limit)
  let applied = try scenario.singleStep("trainStep")
  try judgeAppliedGradient(applied, gradient: g, limit: limit, stale: scenario.stale, kind: kind, context: problem.name)
  guard abs(returnedLoss - loss) <= 1e-12 * abs(loss) else {
    throw Finding("trainStep returned loss \(returnedLoss); the batch's loss before the step is \(loss).")
  }
  return (g, limit)
}
