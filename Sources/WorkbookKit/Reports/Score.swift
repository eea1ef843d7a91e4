import Foundation
import Grading

/// Points for an exercise: 25, shared equally among its checks.
enum Score {
  static let perExercise = 25.0

  /// passed / checks × 25, rounded to hundredths so the JSON and the table
  /// show the same number.
  static func points(_ report: ExerciseReport) -> Double {
    guard !report.results.isEmpty else { return 0 }
    let raw = Double(report.passedCount) / Double(report.results.count) * perExercise
    return (raw * 100).rounded() / 100
  }

  /// The diagnostics an autograder shows the student for one exercise:
  /// every check with its mark, and the message under each that failed.
  static func output(_ report: ExerciseReport) -> String {
    var lines = [ReportText.countSentence(report)]
    for result in report.results {
      let label = Marks.label(result.status).map { " (\($0))" } ?? ""
      lines.append("\(Marks.mark(result.status)) \(result.title)\(label)")
      if !result.passed {
        lines += result.message.split(separator: "\n", omittingEmptySubsequences: false).map { "    " + $0 }
      }
    }
    return lines.joined(separator: "\n")
  }
}
