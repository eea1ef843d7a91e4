import Charts
import Foundation
import Grading

/// A JUnit XML report: a testsuite per exercise, a testcase per check, a
/// `<failure>` for each check that did not pass.
///
/// CI systems (GitLab, Jenkins, GitHub annotations) read this shape; the
/// failure's `message` attribute holds the first line of the diagnosis and
/// its body the whole of it.
public enum JUnitReport {
  public static func xml(_ reports: [ExerciseReport]) -> String {
    let total = reports.reduce(0) { $0 + $1.results.count }
    let failures = reports.reduce(0) { $0 + $1.results.count - $1.passedCount }
    var lines = [
      #"<?xml version="1.0" encoding="UTF-8"?>"#,
      #"<testsuites name="Gradient Workbook" tests="\#(total)" failures="\#(failures)" errors="0">"#,
    ]
    for report in reports {
      let exercise = report.exercise
      lines.append(
        #"  <testsuite name="\#(escape("\(exercise.name): \(exercise.title)"))" tests="\#(report.results.count)" "#
          + #"failures="\#(report.results.count - report.passedCount)" errors="0" skipped="0">"#)
      for result in report.results {
        let opening = #"    <testcase classname="\#(exercise.name)" name="\#(escape(result.title))""#
        if result.passed {
          lines.append(opening + "/>")
        } else {
          let firstLine = result.message.split(separator: "\n").first.map(String.init) ?? ""
          lines.append(opening + ">")
          lines.append(
            #"      <failure message="\#(escape(firstLine))" type="\#(result.status.rawValue)">"#
              + escape(result.message, attribute: false) + "</failure>")
          lines.append("    </testcase>")
        }
      }
      lines.append("  </testsuite>")
    }
    lines.append("</testsuites>")
    return lines.joined(separator: "\n") + "\n"
  }

  /// Text safe in an attribute (the default) or an element.
  public static func escape(_ text: String, attribute: Bool = true) -> String {
    XML.escape(text, attribute: attribute)
  }
}
