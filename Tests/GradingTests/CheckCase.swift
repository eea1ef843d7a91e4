import Grading
import Testing

/// One check of one exercise, named in the test output by its exercise and
/// id, so a failure says which check it was.
struct CheckCase: Sendable, CustomTestStringConvertible {
  var exercise: Exercise
  var id: String

  var testDescription: String { "\(exercise.name) \(id)" }

  /// Every check of every exercise, in the order a student meets them.
  static let all: [CheckCase] = Exercise.allCases.flatMap { exercise in
    Grader.checkIDs(exercise).map { CheckCase(exercise: exercise, id: $0) }
  }

  /// Runs this check, in this process, on `code`.
  func run(on code: WorkbookCode) throws -> CheckResult {
    try #require(Grader.run(exercise, check: id, on: code), "\(exercise.name) has no check \(id)")
  }
}
