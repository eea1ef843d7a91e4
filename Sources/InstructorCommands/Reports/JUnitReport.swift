import Charts
import Foundation
import Harness
import WorkbookKit
import Judge
import StudentCommands

/// A JUnit XML report: a testsuite per exercise, a testcase per check.
///
/// CI systems (GitLab, Jenkins, GitHub annotations) read this shape. A check
/// whose code gave a wrong answer is a `<failure>`; one that gave no answer
/// (it crashed, ran out of time, was tampered with or did not compile) is an
/// `<error>`. A check that met an unfilled stub is a `<failure>` too, not
/// `<skipped>`: it ran and scores 0, and CI systems count a skipped test as
/// neither passed nor failed, so unfinished work would look green.
///
/// The element's `type` is the check's status, its `message` attribute the
/// first line of the diagnosis and its body the whole of it. Each testcase
/// has a `time` in seconds (0 when the check was not timed); each testsuite
/// and the testsuites have the sum of theirs.
public enum JUnitReport {
  /// What a check is to a JUnit reader.
  enum Outcome: Equatable {
    case passed
    case failure
    case error
  }

  static func outcome(_ status: CheckResult.Status) -> Outcome {
    switch status {
    case .passed: return .passed
    case .failed, .notImplemented: return .failure
    case .crashed, .timedOut, .tampered, .doesNotCompile: return .error
    case .notSubmitted: return .failure
    }
  }

  public static func xml(_ reports: [ExerciseReport]) -> String {
    var lines = [
      #"<?xml version="1.0" encoding="UTF-8"?>"#,
      #"<testsuites name="Gradient Workbook" \#(counts(reports.flatMap(\.results)))>"#,
    ]
    for report in reports {
      let exercise = report.exercise
      lines.append(
        #"  <testsuite name="\#(escape("\(exercise.name): \(exercise.title)"))" \#(counts(report.results)) skipped="0">"#)
      for result in report.results {
        let opening =
          #"    <testcase classname="\#(exercise.name)" name="\#(escape(result.title))" "#
          + #"time="\#(seconds(milliseconds(result)))""#
        let kind = outcome(result.status)
        guard kind != .passed else {
          lines.append(opening + "/>")
          continue
        }
        let element = kind == .error ? "error" : "failure"
        lines.append(opening + ">")
        lines.append(
          #"      <\#(element) message="\#(escape(CheckOutcome.firstLine(result)))" type="\#(result.status.rawValue)">"#
            + escape(CheckOutcome.text(result), attribute: false) + "</\(element)>")
        lines.append("    </testcase>")
      }
      lines.append("  </testsuite>")
    }
    lines.append("</testsuites>")
    return lines.joined(separator: "\n") + "\n"
  }

  /// `tests`, `failures`, `errors` and `time` of a testsuite or of all.
  private static func counts(_ results: [CheckResult]) -> String {
    let outcomes = results.map { outcome($0.status) }
    let time = results.reduce(0) { $0 + milliseconds($1) }
    return #"tests="\#(results.count)" failures="\#(outcomes.filter { $0 == .failure }.count)" "#
      + #"errors="\#(outcomes.filter { $0 == .error }.count)" time="\#(seconds(time))""#
  }

  /// How long the check ran, in whole milliseconds, so that a suite's time
  /// is exactly the sum of the times written for its cases.
  private static func milliseconds(_ result: CheckResult) -> Int {
    Int(((result.seconds ?? 0) * 1000).rounded())
  }

  /// 1250 → "1.250".
  static func seconds(_ milliseconds: Int) -> String {
    String(format: "%d.%03d", milliseconds / 1000, milliseconds % 1000)
  }

  /// Text safe in an attribute (the default) or an element.
  public static func escape(_ text: String, attribute: Bool = true) -> String {
    XML.escape(text, attribute: attribute)
  }
}
