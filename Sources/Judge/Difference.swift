import Foundation
import Measures

/// The first way a student's run differs from the expected one, in words:
/// what was observed and what was expected, never a fix the code may
/// already have.
public enum Difference {
  public static func describe(_ item: Evidence.Item, function: String) -> String {
    let got = item.student, want = item.answer.expected
    if let text = ending(got.outcome, want.outcome, function: function, stopped: got.unansweredClip != nil) {
      return text
    }
    let (x, y) = Facts.aligned(got, want)
    if let text = schedule(x, y) { return text }
    if let text = order(got, want) { return text }
    if let text = clipInputs(got, want, x, y) { return text }
    if let text = steps(got, want, x, y) { return text }
    if let text = returned(got, want, function: function) { return text }
    if let a = got.gradients, let b = want.gradients, Agreement.distance(a, b) > 0 {
      let d = Agreement.distance(a, b)
      let digits = d.isFinite ? min(17, max(6, Int((-log10(max(d, 1e-17))).rounded(.up)) + 2)) : 6
      let nan: ([[Double]?]) -> Bool = { $0.contains { $0?.contains(where: \.isNaN) ?? false } }
      let values = "\(show(a, digits: digits)); expected \(show(b, digits: digits))"
        + (d.isFinite && d < 1e-3 ? " (they differ by \(sci(d)), relative)" : "")
        + (nan(a) != nan(b) ? " (mind the NaN)." : ".")
      if let thrown = got.outcome.thrown, want.outcome.thrown != nil {
        return "\(function) threw “\(thrown)” as it should, but only after changing the gradients: they are "
          + values + " An error must leave every gradient as it was."
      }
      return "After \(function), the gradients are " + values
    }
    if let a = got.parameters?.flat, let b = want.parameters?.flat, Agreement.distance(a, b) > 0 {
      return "After \(function), the parameters differ from the expected ones by \(sci(Agreement.distance(a, b))) "
        + "(relative), though every step() saw the right gradient: were they changed outside optimizer.step()?"
    }
    if x.scaler != y.scaler, x.scaler.count == 2, y.scaler.count == 2 {
      return "At the end the scaler held scale \(fixed(x.scaler[0])), tracker \(Int(x.scaler[1])); expected scale "
        + "\(fixed(y.scaler[0])), tracker \(Int(y.scaler[1]))."
    }
    let d = Agreement.distance(got, want)
    return "What \(function) did differs from the expected run "
      + (d.isFinite ? "by \(sci(d)) (relative)." : "in kind: a call more or fewer, or another kind of result.")
  }

  /// A different ending: threw where it should return, or the other way.
  static func ending(_ got: Outcome, _ want: Outcome, function: String, stopped: Bool) -> String? {
    if stopped { return nil }
    switch (got, want) {
    case let (.threw(a), .threw(b)) where a.kind != b.kind:
      return "\(function) threw “\(a)”; it should throw \(expectedError(b))."
    case let (.threw(a), .returned):
      if a.kind == .invalidArgument {
        return "\(function) threw invalidArgument (“\(a)”), but these arguments are valid."
      }
      return "\(function) threw an error this scenario did not expect: “\(a)”."
    case let (.returned, .threw(b)):
      return "\(function) returned normally; it should throw \(expectedError(b))"
        + (b.kind == .invalidArgument ? ", never give a silent wrong number." : ".")
    default: return nil
    }
  }

  static func expectedError(_ thrown: Thrown) -> String {
    switch thrown.kind {
    case .invalidArgument: return "WorkbookError.invalidArgument saying what is wrong"
    case .nonFiniteNorm: return "WorkbookError.nonFiniteNorm before it changes any gradient"
    case .outOfMemory: return "out of memory"
    default: return "“\(thrown)”"
    }
  }

  /// When the steps came after other micro-batches than they should.
  static func schedule(_ x: Facts, _ y: Facts) -> String? {
    let got = x.steps.map(\.microBatches), want = y.steps.map(\.microBatches)
    guard got != want || x.trailing != y.trailing, !(got.isEmpty && want.isEmpty) else { return nil }
    if got.isEmpty { return "optimizer.step() was never called; expected \(want.count) step(s)." }
    func ends(_ windows: [[Int]]) -> String {
      windows.map { ($0.max().map { String($0 + 1) }) ?? "none" }.joined(separator: ", ")
    }
    var text = "optimizer.step() ran \(got.count) time(s), after micro-batch \(ends(got)); it should run "
      + "\(want.count) time(s), after \(ends(want))"
    if !x.trailing.isEmpty {
      text += ", and micro-batch(es) \(x.trailing.map { String($0 + 1) }.joined(separator: ", ")) got no step"
    }
    return text + "."
  }

  /// When the clipping, the steps and the schedule were called in another
  /// order than the expected one: the order itself, around where it first
  /// differs (the bugs projects file most often are of this kind).
  static func order(_ got: Observation, _ want: Observation) -> String? {
    func calls(_ observation: Observation) -> [String] {
      observation.events.compactMap { event in
        switch event {
        case .clip: return "clipGradNorm"
        case .step: return "step()"
        case .schedulerStep: return "the schedule's step()"
        case .zeroGrad, .backward, .loss: return nil
        }
      }
    }
    let a = calls(got), b = calls(want)
    guard a != b, got.unansweredClip == nil else { return nil }
    let first = zip(a, b).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(a.count, b.count)
    let from = max(0, first - 2)
    func around(_ list: [String]) -> String {
      let shown = list[min(from, list.count)..<min(list.count, first + 3)]
      return (from > 0 ? "…, " : "") + shown.joined(separator: ", ") + (first + 3 < list.count ? ", …" : "")
    }
    return "The calls came in another order: \(around(a)); expected \(around(b))."
  }

  /// The first call of the handed clipping on another gradient.
  static func clipInputs(_ got: Observation, _ want: Observation, _ x: Facts, _ y: Facts) -> String? {
    for (k, (a, b)) in zip(x.clipInputs, y.clipInputs).enumerated() where Agreement.distance(a, b) > 0 {
      return "Clipping call \(k + 1): the gradient handed to clipGradNorm differs from the expected one by "
        + "\(sci(Agreement.distance(a, b))) (relative); \(compare(a, b))."
        + (got.unansweredClip != nil ? " The grader's clipping does not answer for such a gradient, so the run stopped there." : "")
    }
    if x.clipInputs.count != y.clipInputs.count {
      return "clipGradNorm was called \(x.clipInputs.count) time(s); expected \(y.clipInputs.count), once per window."
    }
    return nil
  }

  /// The first step whose gradient differs.
  static func steps(_ got: Observation, _ want: Observation, _ x: Facts, _ y: Facts) -> String? {
    for (k, (a, b)) in zip(x.steps, y.steps).enumerated() {
      let d = Agreement.distance(a.gradients, b.gradients)
      if d > 0 {
        let gotSteps = got.events.compactMap(\.step)
        let zero = a.gradients.allSatisfy { $0 == 0 } && k < gotSteps.count
        if zero, gotSteps[k].withoutGradient == 0, !a.microBatches.isEmpty {
          return "At optimizer step \(k + 1), every gradient was there but exactly 0, so the step did not move the "
            + "parameters: each loss was multiplied by 0 before backward()."
        }
        return "At optimizer step \(k + 1)\(window(a.microBatches)), the gradient step() used differs from the "
          + "expected one by \(sci(d)) (relative); \(compare(a.gradients, b.gradients, digest: got.events.compactMap(\.step).first.map { $0.gradients.values == nil } ?? false))."
      }
      if Agreement.distance(a.learningRate, b.learningRate) > 0 {
        return "At optimizer step \(k + 1) the learning rate was \(fixed(a.learningRate)); expected \(fixed(b.learningRate))."
      }
    }
    return nil
  }

  static func window(_ microBatches: [Int]) -> String {
    guard let first = microBatches.min(), let last = microBatches.max() else { return "" }
    return first == last ? " (after micro-batch \(first + 1))" : " (micro-batches \(first + 1)–\(last + 1))"
  }

  /// "its norm is 2.000× the expected one and the angle between them 0°".
  static func compare(_ a: [Double], _ b: [Double], digest: Bool = false) -> String {
    if digest {
      return "its norm is \(ratio(a[0], b[0]))× the expected one"
    }
    let na = Compare.norm([a]), nb = Compare.norm([b])
    let angle = angleDegrees([a], [b])
    // Below a thousandth of a degree the angle is rounding, not direction.
    return "its norm is \(ratio(na, nb))× the expected one and the angle between them "
      + "\(angle < 1e-3 ? "0" : fixed(angle, 3))°"
  }

  /// "4.000", "0.250", "1.000e+06": a ratio with three decimals.
  static func ratio(_ a: Double, _ b: Double) -> String {
    let r = a / max(b, 1e-300)
    return r.isFinite && r < 1e4 ? String(format: "%.3f", r) : String(format: "%.3e", r)
  }

  /// A returned value that differs.
  static func returned(_ run: Observation, _ expected: Observation, function: String) -> String? {
    let got = run.outcome, want = expected.outcome
    guard let a = got.returned, let b = want.returned else { return nil }
    switch (a, b) {
    case let (.number(x), .number(y)) where Agreement.distance(x, y) > 0:
      return "\(function) returned \(exact(x)); expected \(exact(y))."
    case let (.flag(x), .flag(y)) where x != y:
      return "\(function) returned \(x); expected \(y)."
    case let (.numbers(x), .numbers(y)) where Agreement.distance(x, y) > 0:
      if x.count != y.count {
        let steps = run.events.compactMap(\.step).count
        return "\(function) returned \(x.count) value(s) \(shortList(x)) for the \(steps) optimizer step(s) it "
          + "took; expected one per step: \(shortList(y))."
      }
      return "\(function) returned \(shortList(x)); expected \(shortList(y))."
    case let (.record(x), .record(y)):
      return "\(function) returned loss \(exact(x.loss)), gradNorm \(exact(x.gradNorm)); expected loss "
        + "\(exact(y.loss)), gradNorm \(exact(y.gradNorm))."
    case let (.records(x), .records(y)):
      if x.count != y.count { return "\(function) returned \(x.count) record(s); expected \(y.count), one per window." }
      for (k, (r, s)) in zip(x, y).enumerated()
      where Agreement.distance([r.loss, r.gradNorm], [s.loss, s.gradNorm]) > 0 {
        return "Record \(k + 1) holds loss \(fixed(r.loss, 6)), gradNorm \(fixed(r.gradNorm, 6)); expected loss "
          + "\(fixed(s.loss, 6)), gradNorm \(fixed(s.gradNorm, 6))."
      }
      return nil
    case let (.windows(x), .windows(y)):
      if x.count != y.count { return "\(function) returned \(x.count) record(s); there were \(y.count) windows." }
      for (k, (r, s)) in zip(x, y).enumerated() {
        if r.stepped != s.stepped {
          return "Window \(k + 1) was \(r.stepped ? "stepped" : "skipped"); it should have been "
            + "\(s.stepped ? "stepped: its gradients were finite" : "skipped: its scaled gradients overflowed")."
        }
        if r.scale != s.scale {
          return "Window \(k + 1) used scale \(fixed(r.scale)); the scaler's rule gives \(fixed(s.scale)) there."
        }
        if Agreement.distance([r.loss, r.gradNorm], [s.loss, s.gradNorm]) > 0 {
          return "Record \(k + 1) holds loss \(fixed(r.loss, 6)), gradNorm \(fixed(r.gradNorm, 6)); expected loss "
            + "\(fixed(s.loss, 6)), gradNorm \(fixed(s.gradNorm, 6))."
        }
      }
      return nil
    case let (.scales(x), .scales(y)) where x != y:
      func show(_ s: [LossScaleState]) -> String { s.map { "(\(fixed($0.scale)), \($0.growthTracker))" }.joined(separator: " ") }
      return "The (scale, tracker) after each update were \(show(x)); expected \(show(y))."
    case let (.reports(x), .reports(y)): return reports(x, y, function: function)
    case let (.comparison(x), .comparison(y)):
      return ComparisonDifference.describe(x, expected: y)
    default: return nil
    }
  }

  /// Gradients as a message shows them: a few entries of each parameter.
  static func show(_ grads: [[Double]?], digits: Int = 6) -> String {
    "[" + grads.map { g in g.map { shortList($0, digits: digits) } ?? "none" }.joined(separator: ", ") + "]"
  }

  static func shortList(_ values: [Double], digits: Int = 6) -> String {
    let shown = values.prefix(4).map { fixed($0, digits) }.joined(separator: ", ")
    return "[" + shown + (values.count > 4 ? ", …" : "") + "]"
  }
}

/// A number in full, as Swift prints it; NaN and infinities by name.
public func exact(_ x: Double) -> String { x.isFinite ? "\(x)" : format(x) }

/// "3.20e-04", for distances in messages.
public func sci(_ x: Double) -> String { String(format: "%.2e", x) }
/// "1.000", for ratios and values in messages; NaN and infinities by name,
/// and -0 as 0 (the sign of a zero means nothing to the student).
public func fixed(_ x: Double, _ digits: Int = 4) -> String {
  x == 0 ? "0" : x.isFinite ? String(format: "%.\(digits)g", x) : format(x)
}
