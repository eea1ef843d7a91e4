import Foundation
import Grading
import Implementations
import Testing

/// One check of one exercise, named by its sentence in the test output.
struct GradedCheck: Codable, Sendable, CustomTestStringConvertible {
  var exercise: Exercise
  var id: String
  var title: String

  var testDescription: String { title }

  static func all(_ exercise: Exercise) -> [GradedCheck] {
    Grader.checks(exercise).map { GradedCheck(exercise: exercise, id: $0.id, title: $0.title) }
  }
}

/// Seconds one check may run before it counts as an endless loop.
let checkTimeLimit: TimeInterval = 30

/// Runs `check` on the graded code in a child process and records its
/// diagnosis as the test's issue when it does not pass.
func expectPasses(_ check: GradedCheck) async {
  let outcome = await #expect(
    processExitsWith: .failure, observing: [\.standardOutputContent, \.standardErrorContent],
    "the check's child process reports and exits"
  ) { [check] in
    IsolatedGrading.runChild(
      check.exercise, checks: [check.id], code: Implementations.graded, timeLimit: checkTimeLimit)
  }
  guard let outcome else { return }
  let ending: IsolatedGrading.Ending
  switch outcome.exitStatus {
  case let .exitCode(code): ending = .exited(code)
  case let .signal(signal): ending = .signaled(signal)
  @unknown default: ending = .exited(-1)
  }
  let (results, _) = IsolatedGrading.collect(
    check.exercise, checks: [check.id],
    output: String(decoding: outcome.standardOutputContent, as: UTF8.self),
    errorOutput: String(decoding: outcome.standardErrorContent, as: UTF8.self),
    ending: ending, timeLimit: checkTimeLimit)
  guard let result = results.first else {
    Issue.record("The check \(check.id) reported nothing (the child ended with \(ending)).")
    return
  }
  if !result.passed {
    Issue.record(Comment(rawValue: "[\(result.status.rawValue)] \(result.message)"))
  }
}
