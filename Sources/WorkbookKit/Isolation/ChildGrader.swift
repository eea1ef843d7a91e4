import Foundation
import Grading

/// How to start a grading child for some checks of one exercise.
///
/// Normally `workbook __grade exN …` of a workbook binary; the tests swap in
/// `/bin/sh` scripts that crash, hang or report, to exercise the parent side
/// without a student's code.
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

  /// The hidden `__grade` subcommand of the workbook binary at `executable`.
  public static func workbook(at executable: URL) -> GradingCommand {
    GradingCommand(executable: executable) { exercise, checks, timeLimit in
      [Verb.gradeChild.rawValue, exercise.name] + (checks.map { ["--checks", $0.joined(separator: ",")] } ?? [])
        + ["--time-limit", String(format: "%g", timeLimit)]
    }
  }

  /// This very program: its code is the code being graded.
  public static var current: GradingCommand { workbook(at: currentExecutable) }

  /// The running executable's path. /proc/self/exe is exact on Linux; if
  /// the file was replaced by a rebuild, the link itself still works.
  static var currentExecutable: URL {
    let link = "/proc/self/exe"
    if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: link) {
      return URL(fileURLWithPath: target.hasSuffix(" (deleted)") ? link : target)
    }
    let argument0 = CommandLine.arguments[0]
    if argument0.contains("/") {
      return URL(fileURLWithPath: argument0, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
        .standardizedFileURL
    }
    let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
    let found = path.split(separator: ":").map { "\($0)/\(argument0)" }.first {
      FileManager.default.isExecutableFile(atPath: $0)
    }
    return URL(fileURLWithPath: found ?? argument0)
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
      let child = ChildProcess(
        executable: command.executable, arguments: command.arguments(exercise, asked, timeLimit),
        silenceLimit: timeLimit + grace, isProgress: { $0.hasPrefix(Self.runningMarker) })
      let run: ChildRun
      do {
        run = try child.run()
      } catch {
        throw CommandFailure("could not start the grading process \(command.executable.path): \(error)")
      }
      let ending = Self.ending(of: run)
      var collected = IsolatedGrading.collect(
        exercise, checks: remaining, output: run.output, errorOutput: run.errorOutput, ending: ending,
        timeLimit: timeLimit)
      collected.results.removeAll { !remaining.contains($0.check) }
      if collected.results.isEmpty {
        // The child settled none of the checks asked: it ended before its
        // first marker (a crash at start-up, a hang before the first check)
        // or reported nonsense. Blame the first check, so every child
        // settles at least one and the loop ends.
        collected = IsolatedGrading.collect(
          exercise, checks: remaining, output: Self.runningMarker + remaining[0] + "\n",
          errorOutput: run.errorOutput, ending: ending, timeLimit: timeLimit)
        if collected.results.isEmpty { throw CommandFailure("no check named '\(remaining[0])' in \(exercise.name)") }
      }
      let printed = Self.printedLines(run.output)
      results += collected.results.map { Self.withPrinted(printed[$0.check] ?? [], $0) }
      remaining = collected.unreached
    }
    return (results, children)
  }

  /// The markers of IsolatedGrading's protocol: before each check (a line
  /// starting with it is progress) and with each result.
  static let runningMarker = IsolatedGrading.runningMarker
  static let resultMarker = IsolatedGrading.resultMarker

  /// What the student's code printed during each check (its debug
  /// `print`s): the lines between a check's two markers.
  static func printedLines(_ output: String) -> [String: [String]] {
    var printed: [String: [String]] = [:]
    var current: String?
    for line in output.split(separator: "\n", omittingEmptySubsequences: false) {
      if line.hasPrefix(runningMarker) {
        current = String(line.dropFirst(runningMarker.count))
      } else if line.hasPrefix(resultMarker) {
        current = nil
      } else if let current {
        printed[current, default: []].append(String(line))
      }
    }
    return printed
  }

  /// Lines of a student's output shown under a check that did not pass.
  static let printedLimit = 20

  /// `result`, with what the code printed added to the diagnosis when the
  /// check did not pass: a student debugging with `print` should see it.
  static func withPrinted(_ lines: [String], _ result: CheckResult) -> CheckResult {
    let lines = Array(lines.reversed().drop { $0.isEmpty }.reversed())
    guard !result.passed, !lines.isEmpty else { return result }
    var result = result
    let shown = lines.prefix(printedLimit).map { "  | " + $0 }
    let more = lines.count > printedLimit ? ["  | … \(lines.count - printedLimit) more lines"] : []
    result.message += "\nYour code printed:\n" + (shown + more).joined(separator: "\n")
    return result
  }

  /// The child's ending in the graders' terms. A child the parent killed
  /// for silence ran out of time, the same verdict as its own watchdog's.
  static func ending(of run: ChildRun) -> IsolatedGrading.Ending {
    if run.stoppedForSilence { return .exited(IsolatedGrading.timedOutExitCode) }
    switch run.termination {
    case let .exited(code): return .exited(code)
    case let .signaled(signal): return .signaled(signal)
    }
  }
}

extension ChildGrader {
  /// Grades `exercises` with up to `parallel` children at a time, handing
  /// each report to `deliver` in the order given, as soon as it and the
  /// ones before it are done (so output streams in a stable order).
  ///
  /// - Throws: the first `CommandFailure`, after every child has ended.
  public func gradeAll(
    _ exercises: [Exercise], parallel: Int = ProcessInfo.processInfo.activeProcessorCount,
    deliver: (ExerciseReport) -> Void
  ) throws {
    let board = ResultBoard(count: exercises.count)
    let slots = DispatchSemaphore(value: max(1, parallel))
    let grader = self
    for (index, exercise) in exercises.enumerated() {
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
