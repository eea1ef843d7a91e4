import Foundation
import Grading

/// How to start a grading child for some checks of one exercise.
///
/// Normally `workbook-exN __grade exN …`, an exercise's runner; the tests
/// swap in `/bin/sh` scripts and a fixture program that crash, hang, report
/// or forge, to exercise the parent side without a student's code.
public struct GradingCommand: Sendable {
  public var executable: URL
  /// The arguments for the exercise, the check ids to run (nil: all) and
  /// the time limit per check.
  public var arguments: @Sendable (_ exercise: Exercise, _ checks: [String]?, _ timeLimit: TimeInterval) -> [String]

  public init(
    executable: URL,
    arguments: @escaping @Sendable (_ exercise: Exercise, _ checks: [String]?, _ timeLimit: TimeInterval) -> [String]
  ) {
    self.executable = executable
    self.arguments = arguments
  }

  /// The hidden `__grade` subcommand of the runner at `executable`.
  public static func runner(at executable: URL) -> GradingCommand {
    GradingCommand(executable: executable) { exercise, checks, timeLimit in
      [Verb.gradeChild.rawValue, exercise.name] + (checks.map { ["--checks", $0.joined(separator: ",")] } ?? [])
        + ["--time-limit", String(format: "%g", timeLimit)]
    }
  }
}

/// The parent side of isolated grading: runs an exercise's checks in child
/// processes until every check has a result.
///
/// When a child crashes, `IsolatedGrading.collect` blames the check it was
/// running and lists the checks it did not reach; those get a fresh child.
/// One crash therefore costs one check, not the exercise.
public struct ChildGrader: Sendable {
  public var command: GradingCommand
  /// Seconds one check may run; the child's own watchdog enforces it.
  public var timeLimit: TimeInterval
  /// Extra seconds before the parent kills a child that has gone silent:
  /// the backstop for a child whose watchdog cannot act.
  public var grace: TimeInterval

  /// Makes each child's key; tests fix it to sign their scripted reports.
  public var makeKey: @Sendable () -> [UInt8] = { ReportSigner.freshKey() }

  public init(command: GradingCommand, timeLimit: TimeInterval, grace: TimeInterval? = nil) {
    self.command = command
    self.timeLimit = timeLimit
    self.grace = grace ?? max(5, timeLimit / 2)
  }

  /// Every check of `exercise`, in the graders' order.
  ///
  /// - Throws: `CommandFailure` if a grading process cannot be started.
  public func grade(_ exercise: Exercise) throws -> ExerciseReport {
    let ids = Grader.checkIDs(exercise)
    let results = try grade(exercise, checks: ids).results
    let byID = Dictionary(results.map { ($0.check, $0) }, uniquingKeysWith: { first, _ in first })
    return ExerciseReport(exercise: exercise, results: ids.compactMap { byID[$0] })
  }

  /// The checks `ids` of `exercise`, and how many children it took.
  public func grade(_ exercise: Exercise, checks ids: [String]) throws -> (results: [CheckResult], children: Int) {
    var results: [CheckResult] = []
    var remaining = ids
    var children = 0
    let all = Set(Grader.checkIDs(exercise))
    while !remaining.isEmpty {
      children += 1
      let asked = Set(remaining) == all ? nil : remaining
      // A key of its own for every child: one child's reports can never
      // be passed off as another's.
      let key = makeKey()
      var child = ChildProcess(
        executable: command.executable, arguments: command.arguments(exercise, asked, timeLimit),
        silenceLimit: timeLimit + grace, isProgress: { $0.hasPrefix(IsolatedGrading.runningMarker) })
      child.input = Data(ReportSigner.keyLine(key).utf8)
      child.killGroupWhenDone = true
      let run: ChildRun
      do {
        run = try child.run()
      } catch {
        throw CommandFailure("could not start the grading process \(command.executable.path): \(error)")
      }
      let ending = Self.ending(of: run)
      var collected = IsolatedGrading.collect(
        exercise, checks: remaining, output: run.output, errorOutput: run.errorOutput, ending: ending,
        timeLimit: timeLimit, key: key)
      if collected.results.isEmpty {
        // The child settled none of the checks asked: it ended before its
        // first report (a crash at start-up, an exit in a global's
        // initializer, a hang before the first check). Blame the first
        // check, so every child settles at least one and the loop ends.
        let first = ReportSigner(key: key).line(IsolatedGrading.runningMarker, remaining[0])
        collected = IsolatedGrading.collect(
          exercise, checks: remaining, output: first + "\n" + run.output, errorOutput: run.errorOutput,
          ending: ending, timeLimit: timeLimit, key: key)
        if collected.results.isEmpty { throw CommandFailure("no check named '\(remaining[0])' in \(exercise.name)") }
      }
      results += collected.results.map { Self.withPrinted(collected.printed[$0.check] ?? [], $0) }
      remaining = collected.unreached
    }
    return (results, children)
  }

  /// Lines of a student's output shown under a check that did not pass.
  static let printedLimit = 20

  /// `result`, with what the code printed added to the diagnosis when the
  /// check failed: a student debugging with `print` should see it. (A
  /// crash already shows the last lines printed.)
  static func withPrinted(_ lines: [String], _ result: CheckResult) -> CheckResult {
    let lines = Array(lines.drop { $0.isEmpty }.reversed().drop { $0.isEmpty }.reversed())
    guard result.status == .failed || result.status == .timedOut, !lines.isEmpty else { return result }
    var result = result
    let shown = lines.prefix(printedLimit).map { "  | " + $0 }
    let more = lines.count > printedLimit ? ["  | … \(lines.count - printedLimit) more lines"] : []
    result.message += "\nYour code printed:\n" + (shown + more).joined(separator: "\n")
    return result
  }

  /// The child's ending in the graders' terms.
  static func ending(of run: ChildRun) -> IsolatedGrading.Ending {
    if run.stoppedForSilence { return .silent }
    switch run.termination {
    case let .exited(code): return .exited(code)
    case let .signaled(signal): return .signaled(signal)
    }
  }
}

extension ChildGrader {
  /// Grades `exercises`, each with its own grader, up to `parallel` at a
  /// time, handing each report to `deliver` in the order given, as soon as
  /// it and the ones before it are done (so output streams in a stable
  /// order).
  ///
  /// - Throws: the first `CommandFailure`, after every child has ended.
  public static func gradeAll(
    _ exercises: [Exercise], grader: (Exercise) -> ChildGrader,
    parallel: Int = ProcessInfo.processInfo.activeProcessorCount, deliver: (ExerciseReport) -> Void
  ) throws {
    let board = ResultBoard(count: exercises.count)
    let slots = DispatchSemaphore(value: max(1, parallel))
    for (index, exercise) in exercises.enumerated() {
      let grader = grader(exercise)
      DispatchQueue.global().async {
        slots.wait()
        defer { slots.signal() }
        board.post(index, Result { try grader.grade(exercise) })
      }
    }
    var failure: Error?
    for index in exercises.indices {
      switch board.take(index) {
      case let .success(report): if failure == nil { deliver(report) }
      case let .failure(error): failure = failure ?? error
      }
    }
    if let failure { throw failure }
  }

  /// `gradeAll` with this one grader for every exercise.
  public func gradeAll(
    _ exercises: [Exercise], parallel: Int = ProcessInfo.processInfo.activeProcessorCount,
    deliver: (ExerciseReport) -> Void
  ) throws {
    try Self.gradeAll(exercises, grader: { _ in self }, parallel: parallel, deliver: deliver)
  }
}

/// Results posted by worker threads, taken in order by the caller.
private final class ResultBoard: @unchecked Sendable {
  private let condition = NSCondition()
  private var results: [Result<ExerciseReport, Error>?]

  init(count: Int) { results = Array(repeating: nil, count: count) }

  func post(_ index: Int, _ result: Result<ExerciseReport, Error>) {
    condition.lock()
    results[index] = result
    condition.broadcast()
    condition.unlock()
  }

  func take(_ index: Int) -> Result<ExerciseReport, Error> {
    condition.lock()
    defer { condition.unlock() }
    while results[index] == nil { condition.wait() }
    return results[index]!
  }
}
