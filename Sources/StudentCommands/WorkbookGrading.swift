import Foundation
import Harness
import Judge
import WorkbookKit

#if !WORKBOOK_HANDOUT
  import AnswerKey
#endif

/// Grades exercises the way every command does (check, grade, list, watch):
/// build each exercise's runner, then judge what its code does in each
/// check's scenarios, run in the runner's child processes.
///
/// An exercise whose runner does not compile gets a report of its own, every
/// check "does not compile" and scored 0; the other exercises are built and
/// graded as usual.
public struct WorkbookGrading {
  public var build: RunnerBuild
  public var timeLimit: TimeInterval
  /// Where the answers come from, and which seeds the checks use.
  public var grader: Grader
  /// Put before each runner's command line: a launcher that starts it as
  /// another user (an autograder's `setpriv …`), or nothing.
  public var launcher: [String] = []

  /// The workbook's folder.
  public var root: URL { build.swift.root }

  /// Called before the build and before grading, for a status line.
  public var onStage: (Stage) -> Void = { _ in }

  public enum Stage { case building, grading }

  public init(build: RunnerBuild, timeLimit: TimeInterval, grader: Grader? = nil) throws {
    self.build = build
    self.timeLimit = timeLimit
    self.grader = try grader ?? Grader(answers: Self.answers(root: build.swift.root))
  }

  /// The answers this copy of the workbook judges with: the answer key in
  /// the full workbook, the data `workbook handout` wrote in a student's.
  public static func answers(root: URL, extra: [URL] = []) throws -> any AnswerSource {
    #if WORKBOOK_HANDOUT
      return try RecordedAnswers(folders: extra + [root.appendingPathComponent(AnswerData.folder)])
    #else
      return extra.isEmpty ? AnswerKey.shared : try RecordedAnswers(folders: extra)
    #endif
  }

  /// Reports for `exercises`, handed to `deliver` in order as they finish.
  public func grade(_ exercises: [Exercise], deliver: (ExerciseReport) -> Void) throws {
    let wantsNote = exercises.contains(.ex4)
    let runners = exercises.map(RunnerBuild.Runner.of) + (wantsNote ? [.ex4WithEx1] : [])
    onStage(.building)
    let built = try build.build(runners)
    onStage(.grading)

    var ready: [Exercise: URL] = [:]
    var reports: [Exercise: ExerciseReport] = [:]
    for exercise in exercises {
      switch built[.of(exercise)] {
      case let .built(url)?: ready[exercise] = url
      case let .doesNotCompile(errors, log)?:
        reports[exercise] = RunnerBuild.notCompiling(exercise, errors: errors, log: log)
      case nil: throw CommandFailure("internal error: \(exercise.name)'s runner was not built")
      }
    }
    let graded = exercises.filter { ready[$0] != nil }
    let results = ParallelResults<ExerciseReport>(count: graded.count)
    DispatchQueue.concurrentPerform(iterations: graded.count) { index in
      results.post(index, grade(graded[index], runner: ready[graded[index]]!))
    }
    for (index, exercise) in graded.enumerated() { reports[exercise] = results.take(index) }
    if wantsNote, var ex4 = reports[.ex4], ex4.state == .passed {
      ex4.notes.append(ownClippingNote(built[.ex4WithEx1]))
      reports[.ex4] = ex4
    }
    for exercise in exercises { deliver(reports[exercise]!) }
  }

  /// Every check of `exercise`, on the runner at `url`.
  public func grade(_ exercise: Exercise, runner url: URL, checks: [String]? = nil) -> ExerciseReport {
    let observer = RunnerObserver(exercise: exercise, command: launcher + [url.path], timeLimit: timeLimit)
    defer { observer.finish() }
    return grader.grade(exercise, checks: checks, observer: observer)
  }

  /// Whether exercise 4 also works with the student's own `clipGradNorm`:
  /// information only, since exercise 4 is graded with the judge's.
  private func ownClippingNote(_ outcome: RunnerBuild.Outcome?) -> String {
    guard case let .built(url)? = outcome else {
      return "Not tried with your own clipGradNorm: exercise 1 does not compile."
    }
    let report = grade(.ex4, runner: url)
    if report.state == .passed { return "It passes with your own clipGradNorm from exercise 1 too." }
    if report.results.contains(where: { $0.status == .notImplemented }) {
      return "Not tried with your own clipGradNorm: exercise 1 is not written yet."
    }
    return "With your own clipGradNorm from exercise 1 instead of the grader's, \(report.passedCount) of "
      + "\(report.results.count) checks pass (not scored here): fix exercise 1 and both agree."
  }
}

/// Results computed on several threads, taken in order.
public final class ParallelResults<Value>: @unchecked Sendable {
  private let lock = NSLock()
  private var values: [Value?]

  public init(count: Int) { values = Array(repeating: nil, count: count) }

  public func post(_ index: Int, _ value: Value) { lock.withLock { values[index] = value } }

  public func take(_ index: Int) -> Value { lock.withLock { values[index]! } }
}
