/// When a demo calls a run diverged: one rule for every demo, stated in
/// their text and in the guides.
///
/// "Non-finite" alone is too late: at a learning rate of 10 the RNN's loss
/// reaches 1e268 and stays a number, which is no training. "Above a fixed
/// level" would depend on the loss. So the rule compares a run with its own
/// start.
enum Divergence {
  /// A loss more than this many times the first step's has diverged.
  static let factor = 1000.0

  /// The rule in one sentence.
  static let rule =
    "A run diverges at the first step whose loss is inf or NaN, or more than 1000 × its first step's loss."

  /// The first step (1-based) at which `losses` diverged by `rule`.
  static func step(_ losses: [Double]) -> Int? {
    guard let first = losses.first else { return nil }
    guard first.isFinite else { return 1 }
    let limit = factor * abs(first)
    return losses.firstIndex { !$0.isFinite || $0 > limit }.map { $0 + 1 }
  }

  /// The first step whose loss is not a number, and what it is: "inf",
  /// "-inf" or "NaN", as it is.
  static func nonFinite(_ losses: [Double]) -> (step: Int, kind: String)? {
    guard let index = losses.firstIndex(where: { !$0.isFinite }) else { return nil }
    let value = losses[index]
    return (index + 1, value.isNaN ? "NaN" : (value < 0 ? "-inf" : "inf"))
  }

  /// "diverged at step 8, inf from step 215", "diverged at step 3: NaN",
  /// "diverged at step 2"; `nil` for a run that did not diverge.
  static func note(_ losses: [Double]) -> String? {
    guard let step = step(losses) else { return nil }
    guard let bad = nonFinite(losses) else { return "diverged at step \(step)" }
    return bad.step == step
      ? "diverged at step \(step): \(bad.kind)" : "diverged at step \(step), \(bad.kind) from step \(bad.step)"
  }

  /// A table cell: "step 8" or "never".
  static func cell(_ losses: [Double]) -> String { step(losses).map { "step \($0)" } ?? "never" }
}
