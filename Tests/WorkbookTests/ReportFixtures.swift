@testable import WorkbookKit
@testable import StudentCommands
@testable import InstructorCommands
@testable import WorkbookCommand
@testable import Judge
import Harness

/// Reports with every state, and messages full of characters that JSON and
/// XML must escape.
enum ReportFixtures {
  static func result(
    _ exercise: Exercise, _ id: String, _ status: CheckResult.Status, _ message: String = "ok",
    mistake: Mistake? = nil, seconds: Double? = nil
  ) -> CheckResult {
    var result = CheckResult(
      exercise: exercise, check: id, title: "Check \(id) <&> \"quoted\"", status: status, message: message,
      mistakes: mistake.map { [$0] } ?? [])
    result.seconds = seconds
    return result
  }

  static let passing = ExerciseReport(
    exercise: .ex1, results: [result(.ex1, "a", .passed, seconds: 0.25), result(.ex1, "b", .passed, seconds: 0.5)])

  static let failing = ExerciseReport(
    exercise: .ex2,
    results: [
      result(.ex2, "a", .passed, seconds: 0.125),
      result(
        .ex2, "b", .failed, "expected 1 < 2 & 3 > 2\nsecond line with 'quotes'", mistake: .normClipInsteadOfValue,
        seconds: 1),
      result(.ex2, "c", .crashed, "Your code crashed: \u{1B}[31mFatal error\u{1B}[0m"),
      result(.ex2, "d", .timedOut, "still running after 30 s", seconds: 30),
    ])

  static let notStarted = ExerciseReport(
    exercise: .ex3, results: [result(.ex3, "a", .notImplemented, "not implemented yet: fill in TODO(ex3)")],
    notes: ["Graded with the reference exercise 1 & 2."])

  static let all = [passing, failing, notStarted]

  /// Exercise 4 when its files do not compile: no check ran.
  static let unbuildable = ExerciseReport(
    exercise: .ex4,
    results: [
      result(.ex4, "a", .doesNotCompile, "error: cannot find 'clipped' in scope"),
      result(.ex4, "b", .doesNotCompile, "error: cannot find 'clipped' in scope"),
    ])

  /// `all` and `unbuildable`: every status, for the autograder reports.
  static let graded = all + [unbuildable]

  /// An exercise with `checks` checks, the first `passing` of which pass.
  static func exercise(_ exercise: Exercise, passing: Int, of checks: Int) -> ExerciseReport {
    ExerciseReport(
      exercise: exercise,
      results: (1...checks).map { result(exercise, "c\($0)", $0 <= passing ? .passed : .failed, "expected 1, got 2") })
  }

  /// Four exercises with 15, 8, 11 and 11 checks (the workbook's own
  /// counts), passing the given numbers of checks.
  static func workbook(_ passing: [Int]) -> [ExerciseReport] {
    zip(Exercise.allCases, zip(passing, [15, 8, 11, 11])).map { exercise($0, passing: $1.0, of: $1.1) }
  }
}
