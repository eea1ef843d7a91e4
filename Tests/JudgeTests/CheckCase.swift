import AnswerKey
import Judge
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

  /// Runs this check, in this process, on `code`, judged with the answer key.
  func run(on code: WorkbookCode) throws -> CheckResult {
    let check = try #require(Grader.checks(exercise).first { $0.id == id }, "\(exercise.name) has no check \(id)")
    return Grader(answers: AnswerKey.shared).grade(check, observer: InProcessObserver(code: code))
  }
}
