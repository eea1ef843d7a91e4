import Foundation

/// Grades untrusted code where a crash cannot take the other grades down.
///
/// A student's index out of range or endless loop would end (or freeze) the
/// process grading it, hiding every other result. So checks run in a child
/// process, which reports on standard output:
///
///     WORKBOOK-RUNNING <check id>
///     WORKBOOK-RESULT <CheckResult as JSON>
///
/// A watchdog thread ends the child when one check runs past its time
/// limit. The parent reads what was reported and turns a signal or a
/// timeout into the result of the check that was running. Both `swift test`
/// (through exit tests) and `workbook check` (through child processes) use
/// this protocol.
public enum IsolatedGrading {
  /// Printed by the child before each check.
  public static let runningMarker = "WORKBOOK-RUNNING "
  /// Printed by the child before each check's JSON result.
  public static let resultMarker = "WORKBOOK-RESULT "
  /// The child's exit code after it reported; never 0, so a test harness that
  /// waits for a failing exit sees crashes and reports alike.
  public static let reportedExitCode: Int32 = 3
  /// The exit code of a child stopped by its watchdog.
  public static let timedOutExitCode: Int32 = 4

  /// Child side: runs the checks (all of `exercise`'s, or those named) on
  /// `code`, reporting each, then exits. Never returns.
  public static func runChild(
    _ exercise: Exercise, checks ids: [String]? = nil, code: WorkbookCode, timeLimit: TimeInterval
  ) -> Never {
    let watchdog = Watchdog(timeLimit: timeLimit)
    for check in Grader.checks(exercise) where ids?.contains(check.id) ?? true {
      emit(runningMarker + check.id)
      watchdog.start(check.id)
      let result = check.run(code)
      watchdog.stop()
      emit(resultMarker + encode(result))
    }
    exit(reportedExitCode)
  }

  /// How the child ended, as the parent saw it.
  public enum Ending: Equatable, Sendable {
    case exited(Int32)
    case signaled(Int32)
  }

  /// Parent side: the results the child reported, plus a result for the
  /// check it was running when it crashed or ran out of time.
  ///
  /// - Returns: the results, and the ids of the checks that were not reached.
  public static func collect(
    _ exercise: Exercise, checks ids: [String], output: String, errorOutput: String, ending: Ending,
    timeLimit: TimeInterval
  ) -> (results: [CheckResult], unreached: [String]) {
    var results: [CheckResult] = []
    var running: String?
    for line in output.split(separator: "\n") {
      if line.hasPrefix(runningMarker) {
        running = String(line.dropFirst(runningMarker.count))
      } else if line.hasPrefix(resultMarker), let result = decode(String(line.dropFirst(resultMarker.count))) {
        results.append(result)
        running = nil
      }
    }
    if let running, let check = Grader.checks(exercise).first(where: { $0.id == running }) {
      results.append(abnormalEnd(check, ending: ending, errorOutput: errorOutput, timeLimit: timeLimit))
    }
    let done = Set(results.map(\.check))
    return (results, ids.filter { !done.contains($0) })
  }

  private static func abnormalEnd(_ check: AnyCheck, ending: Ending, errorOutput: String, timeLimit: TimeInterval)
    -> CheckResult
  {
    if ending == .exited(timedOutExitCode) {
      return CheckResult(
        exercise: check.exercise, check: check.id, title: check.title, status: .timedOut,
        message: "Your code was still running after \(formatSeconds(timeLimit)), so it was stopped. Look for a loop "
          + "that never ends (a stride whose step is 0, a while whose condition never changes).")
    }
    let reason = crashReason(errorOutput)
    let how: String
    switch ending {
    case let .signaled(signal): how = "stopped by signal \(signal)"
    case let .exited(code): how = "exited with code \(code)"
    }
    return CheckResult(
      exercise: check.exercise, check: check.id, title: check.title, status: .crashed,
      message: "Your code crashed (\(how)) during this check"
        + (reason.map { ": \($0)" } ?? "")
        + ". Typical causes: an index out of range, force-unwrapping a nil grad (`p.grad!`), or a precondition.")
  }

  /// "30 s", "1.5 s", "0.25 s": a time limit as a person reads it.
  static func formatSeconds(_ seconds: TimeInterval) -> String {
    seconds == seconds.rounded() ? "\(Int(seconds)) s" : "\(String(format: "%g", seconds)) s"
  }

  /// The runtime's own words ("Fatal error: Index out of range"), if any.
  static func crashReason(_ errorOutput: String) -> String? {
    errorOutput.split(separator: "\n").first { $0.contains("Fatal error") || $0.contains("Precondition failed") }
      .map { String($0).trimmingCharacters(in: .whitespaces) }
  }

  private static func emit(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
  }

  static func encode(_ result: CheckResult) -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    return String(decoding: (try? encoder.encode(result)) ?? Data(), as: UTF8.self)
  }

  static func decode(_ json: String) -> CheckResult? {
    try? JSONDecoder().decode(CheckResult.self, from: Data(json.utf8))
  }
}

/// Ends the process when the current check runs past its time limit.
private final class Watchdog: @unchecked Sendable {
  private let lock = NSLock()
  private var deadline: Date?
  private var check = ""
  private let timeLimit: TimeInterval

  init(timeLimit: TimeInterval) {
    self.timeLimit = timeLimit
    let thread = Thread { [unowned self] in self.watch() }
    thread.start()
  }

  func start(_ id: String) { lock.withLock { deadline = Date() + timeLimit; check = id } }
  func stop() { lock.withLock { deadline = nil } }

  private func watch() {
    while true {
      Thread.sleep(forTimeInterval: 0.05)
      let expired = lock.withLock { deadline.map { Date() > $0 } ?? false }
      if expired {
        fflush(nil)
        _exit(IsolatedGrading.timedOutExitCode)
      }
    }
  }
}
