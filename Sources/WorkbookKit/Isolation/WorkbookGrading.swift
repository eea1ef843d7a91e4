import Foundation
import Grading

/// Grades exercises the way every command does (check, grade, list, watch):
/// build each exercise's runner, then grade it in child processes.
///
/// An exercise whose runner does not compile gets a report of its own, every
/// check "does not compile" and scored 0; the other exercises are built and
/// graded as usual.
struct WorkbookGrading {
  var build: RunnerBuild
  var timeLimit: TimeInterval

  /// Called before the build and before grading, for a status line.
  var onStage: (Stage) -> Void = { _ in }

  enum Stage { case building, grading }

  /// Reports for `exercises`, handed to `deliver` in order as they finish.
  func grade(_ exercises: [Exercise], deliver: (ExerciseReport) -> Void) throws {
    let wantsNote = exercises.contains(.ex4)
    let runners = exercises.map(RunnerBuild.Runner.of) + (wantsNote ? [.ex4WithEx1] : [])
    onStage(.building)
    let built = try build.build(runners)
    onStage(.grading)

    var ready: [Exercise: URL] = [:]
    var broken: [Exercise: ExerciseReport] = [:]
    for exercise in exercises {
      switch built[.of(exercise)] {
      case let .built(url)?: ready[exercise] = url
      case let .doesNotCompile(errors, log)?:
        broken[exercise] = RunnerBuild.notCompiling(exercise, errors: errors, log: log)
      case nil: throw CommandFailure("internal error: \(exercise.name)'s runner was not built")
      }
    }
    let graded = exercises.filter { ready[$0] != nil }
    var reports: [Exercise: ExerciseReport] = broken
    try ChildGrader.gradeAll(graded, grader: { ChildGrader(command: .runner(at: ready[$0]!), timeLimit: timeLimit) }) {
      reports[$0.exercise] = $0
    }
    if wantsNote, var ex4 = reports[.ex4], ex4.state == .passed {
      ex4.notes.append(try ownClippingNote(built[.ex4WithEx1]))
      reports[.ex4] = ex4
    }
    for exercise in exercises { deliver(reports[exercise]!) }
  }

  /// Whether exercise 4 also works with the student's own `clipGradNorm`:
  /// information only, since exercise 4 is graded with the reference one.
  private func ownClippingNote(_ outcome: RunnerBuild.Outcome?) throws -> String {
    guard case let .built(url)? = outcome else {
      return "Not tried with your own clipGradNorm: exercise 1 does not compile."
    }
    let report = try ChildGrader(command: .runner(at: url), timeLimit: timeLimit).grade(.ex4)
    if report.state == .passed { return "It passes with your own clipGradNorm from exercise 1 too." }
    if report.results.contains(where: { $0.status == .notImplemented }) {
      return "Not tried with your own clipGradNorm: exercise 1 is not written yet."
    }
    return "With your own clipGradNorm from exercise 1 instead of the reference one, \(report.passedCount) of "
      + "\(report.results.count) checks pass (not scored here): fix exercise 1 and both agree."
  }
}
