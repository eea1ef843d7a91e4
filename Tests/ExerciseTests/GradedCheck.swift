import Foundation
import Grading
import Testing
import WorkbookKit

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

/// The exercise's runner, built by `swift test` beside this test program:
/// the same program, and the same parent side, as `workbook check` uses.
func runner(_ exercise: Exercise) -> URL {
  let tests = URL(fileURLWithPath: (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
    ?? CommandLine.arguments[0])
  return tests.deletingLastPathComponent().appendingPathComponent("workbook-\(exercise.name)")
}

/// Grades `check` on the graded code in a child process and records its
/// diagnosis as the test's issue when it does not pass.
func expectPasses(_ check: GradedCheck) {
  let program = runner(check.exercise)
  guard FileManager.default.isExecutableFile(atPath: program.path) else {
    Issue.record("\(program.lastPathComponent) is not built next to the tests (\(program.path)); run `swift build`.")
    return
  }
  do {
    let grader = ChildGrader(command: .runner(at: program), timeLimit: checkTimeLimit)
    let results = try grader.grade(check.exercise, checks: [check.id]).results
    guard let result = results.first else {
      Issue.record("The check \(check.id) reported nothing.")
      return
    }
    if !result.passed {
      Issue.record(Comment(rawValue: "[\(result.status.rawValue)] \(result.message)"))
    }
  } catch {
    Issue.record("could not grade \(check.id): \(error)")
  }
}
