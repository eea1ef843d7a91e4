import Harness
import WorkbookKit
import Judge

/// Exercise reports as a student reads them in the terminal.
///
///     ex1  Gradient clipping by norm
///       ✓ gradNorm of one tensor is its length
///       ✗ clipGradNorm scales every gradient by one factor
///           the total norm after clipping is 2.0, expected 1.0
///       3 of 7 checks pass.
public enum ReportText {
  /// One exercise, every check with its mark, and the diagnosis under each
  /// check that did not pass (see `diagnoses`).
  public static func detailed(_ report: ExerciseReport, paint: Paint, width: Int) -> [String] {
    if report.state == .doesNotCompile { return notCompiling(report, paint: paint, width: width) }
    var lines = [heading(report, paint: paint)]
    for (result, text) in zip(report.results, diagnoses(report.results)) {
      lines += item(result, paint: paint, width: width)
      if let text { lines += diagnosis(text, indent: 6, width: width) }
    }
    lines.append("  " + countSentence(report))
    return lines + notes(report, paint: paint, width: width)
  }

  /// One exercise's failing checks only, each with its diagnosis, under
  /// the heading and the count: what `watch` shows of an exercise in
  /// progress, where the passing checks would push the failures off the
  /// screen.
  public static func failures(_ report: ExerciseReport, paint: Paint, width: Int) -> [String] {
    guard report.state == .failing else { return overview(report, paint: paint, width: width) }
    var lines = heading(report, paint.faint(countSentence(report)), paint: paint, width: width)
    for (result, text) in zip(report.results, diagnoses(report.results)) where !result.passed {
      lines += item(result, paint: paint, width: width)
      if let text { lines += diagnosis(text, indent: 6, width: width) }
    }
    return lines + notes(report, paint: paint, width: width)
  }

  /// The text under each check, nil for none: a passing check has none; a
  /// diagnosis equal to the one just shown (typically "not implemented
  /// yet" for every check of a stub) is not repeated; and a mistake
  /// already explained under an earlier check is named again, not
  /// explained again, so one slip that fails ten checks reads as one.
  public static func diagnoses(_ results: [CheckResult]) -> [String?] {
    var lastMessage: String?
    var explained: [[Mistake]] = []
    return results.map { result in
      guard !result.passed, result.message != lastMessage else { return nil }
      lastMessage = result.message
      guard !result.mistakes.isEmpty else { return result.message }
      if explained.contains(result.mistakes) {
        return "The same as above: " + result.mistakes.map(\.label).joined(separator: " or ") + "."
      }
      explained.append(result.mistakes)
      return result.message
    }
  }

  /// An exercise that does not compile: the compiler's words once, not
  /// under each of the checks that could not run.
  public static func notCompiling(_ report: ExerciseReport, paint: Paint, width: Int) -> [String] {
    heading(report, paint.red(report.state.rawValue), paint: paint, width: width)
      + diagnosis(report.results.first?.message ?? "", indent: 4, width: width)
      + TextWrap.wrap(
        "None of its \(report.results.count) checks could run; the other exercises are graded as usual.",
        width: width, indent: 4, firstIndent: 4)
  }

  /// The report's unscored notes, faint, under it.
  public static func notes(_ report: ExerciseReport, paint: Paint, width: Int) -> [String] {
    report.notes.flatMap { note in
      TextWrap.wrap("Note: " + note, width: width, indent: 4, firstIndent: 2).map(paint.faint)
    }
  }

  /// One exercise when checking all: every check of an exercise in
  /// progress, but one line for a passing one and two for a stub (its
  /// checks all say "not implemented"), so the work in progress stands out.
  public static func overview(_ report: ExerciseReport, paint: Paint, width: Int) -> [String] {
    switch report.state {
    case .failing:
      return detailed(report, paint: paint, width: width)
    case .passed:
      return heading(report, paint.faint(countSentence(report)), paint: paint, width: width)
        + notes(report, paint: paint, width: width)
    case .doesNotCompile, .notSubmitted:
      return notCompiling(report, paint: paint, width: width)
    case .notStarted:
      return heading(report, paint.faint("not started"), paint: paint, width: width)
        + diagnosis(report.results.first?.message ?? "", indent: 4, width: width)
    }
  }

  /// "ex1  Gradient clipping by norm", bold.
  public static func heading(_ report: ExerciseReport, paint: Paint) -> String {
    Marks.painted(Marks.mark(report.state), paint) + " " + paint.bold("\(report.exercise.name)  \(report.exercise.title)")
  }

  /// The heading with `state` after it, or under it when the line would
  /// pass `width`.
  public static func heading(_ report: ExerciseReport, _ state: String, paint: Paint, width: Int) -> [String] {
    TextWrap.appending(state, to: [heading(report, paint: paint)], width: width, indent: 2)
  }

  /// "  ✗ <the check's sentence>  (crashed)": the mark, the sentence wrapped
  /// under itself, and the label of a status the mark alone does not say.
  public static func item(_ result: CheckResult, paint: Paint, width: Int) -> [String] {
    let prefix = "  " + Marks.painted(Marks.mark(result.status), paint) + " "
    let lines = TextWrap.wrap(result.title, width: width, after: prefix, indent: 4)
    guard let label = Marks.label(result.status) else { return lines }
    return TextWrap.appending(paint.faint("(\(label))"), to: lines, width: width, indent: 4)
  }

  /// "3 of 7 checks pass."
  public static func countSentence(_ report: ExerciseReport) -> String {
    let total = report.results.count
    if report.passedCount == total { return "All \(total) checks pass." }
    return "\(report.passedCount) of \(total) check\(total == 1 ? "" : "s") pass."
  }

  /// A diagnosis wrapped and indented under its check.
  public static func diagnosis(_ message: String, indent: Int, width: Int) -> [String] {
    TextWrap.wrap(message, width: width, indent: indent, firstIndent: indent)
  }
}
