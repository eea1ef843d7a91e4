import Foundation
import Harness
import WorkbookKit
import Judge

/// `workbook check [exN]`: grade and show every check, each exercise in
/// child processes so one crash or endless loop does not hide the rest.
public struct CheckCommand {
  var options: CheckOptions

  public init(options: CheckOptions) { self.options = options }
  var console = Console.standard

  public func run() throws -> ExitCode {
    let exercises = options.exercise.map { [$0] } ?? Exercise.allCases
    let what = exercises.count == 1 ? exercises[0].name : "your exercises"
    var reports: [ExerciseReport] = []
    if options.json {
      var grading = try console.grading(timeLimit: options.timeLimit, what: what)
      grading.onStage = { _ in }
      try grading.grade(exercises) { reports.append($0) }
      console.line(try Self.json(reports))
    } else {
      console.noteGradedFolder()
      try console.grading(timeLimit: options.timeLimit, what: what).grade(exercises) { report in
        console.clearStatus()
        if !reports.isEmpty { console.line() }
        reports.append(report)
        console.lines(
          options.exercise == nil
            ? ReportText.overview(report, paint: console.paint, width: console.width)
            : ReportText.detailed(report, paint: console.paint, width: console.width))
      }
      console.line()
      console.lines(Self.summary(reports, checking: options.exercise, paint: console.paint, width: console.width))
    }
    return reports.allSatisfy { $0.state == .passed } ? .success : .failure
  }

  /// What to do now: the next exercise, or a word of encouragement;
  /// `checking` is the one exercise checked, nil for all.
  static func summary(_ reports: [ExerciseReport], checking: Exercise?, paint: Paint, width: Int) -> [String] {
    if let exercise = checking, let report = reports.first {
      if report.state == .passed {
        return TextWrap.appending(
          "See where you stand with `swift run workbook`.", separator: " ",
          to: [paint.green("\(exercise.name) passes.")], width: width, indent: 0)
      }
      let hasFailure = report.results.contains { !$0.passed && $0.status != .notImplemented }
      let location = NextStep([report])?.location ?? exercise.sourceFile
      let again = "then run `swift run workbook check \(exercise.name)` again."
      return TextWrap.wrap(
        hasFailure ? "Fix the first \(Marks.failed) above, \(again)" : "Continue at \(location), \(again)", width: width)
        + TextWrap.appending(
          "Stuck? `swift run workbook hint \(exercise.name)`", separator: "   ",
          to: ["Guide: \(exercise.guideFile)"], width: width, indent: 0)
    }
    let done = reports.filter { $0.state == .passed }.count
    var lines = [paint.bold("\(done) of \(reports.count) exercises pass."), ""]
    lines += NextStep(reports)?.lines(paint: paint, width: width) ?? NextStep.allDoneLines(paint: paint, width: width)
    return lines
  }

  /// The reports as pretty JSON with sorted keys (stable for diffs).
  static func json(_ reports: [ExerciseReport]) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    return String(decoding: try encoder.encode(reports), as: UTF8.self)
  }
}
