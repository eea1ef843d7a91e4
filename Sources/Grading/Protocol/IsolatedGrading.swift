import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Grades untrusted code where a crash cannot take the other grades down,
/// and where the code cannot report a grade it did not earn.
///
/// A student's index out of range or endless loop would end (or freeze) the
/// process grading it, hiding every other result. So checks run in a child
/// process, which reports on standard output:
///
///     WORKBOOK-RUNNING <tag> <check id>
///     WORKBOOK-RESULT <tag> <CheckResult as JSON>
///
/// The student's code runs in that same process and may print anything,
/// including lines that look like these. So every report carries a tag,
/// an HMAC-SHA-256 of the line under a key that the parent makes afresh for
/// each child and writes to the child's standard input. The child reads the
/// key and replaces its standard input with /dev/null before any student
/// code runs: the code never sees the key on a file descriptor, in the
/// arguments or in the environment, so a line it prints cannot carry a
/// valid tag. The parent keeps only lines whose tag verifies; a check
/// during which a forged line appears is graded `tampered`. The exit code
/// never counts as a result.
///
/// A watchdog thread ends the child when one check runs past its time
/// limit, after reporting the time-out itself. The parent turns a signal or
/// an early exit into the result of the check that was running.
public enum IsolatedGrading {
  /// Starts the line the child writes before each check.
  public static let runningMarker = "WORKBOOK-RUNNING "
  /// Starts the line that carries a check's result.
  public static let resultMarker = "WORKBOOK-RESULT "
  /// The child's exit code after it reported; never 0, so a test harness that
  /// waits for a failing exit sees crashes and reports alike.
  public static let reportedExitCode: Int32 = 3
  /// The exit code of a child stopped by its watchdog.
  public static let timedOutExitCode: Int32 = 4
  /// The exit code of a child started without a key on standard input.
  public static let noKeyExitCode: Int32 = 2

  // MARK: - Child side

  /// Child side: runs the checks (all of `exercise`'s, or those named) on
  /// `code`, reporting each, then exits. Never returns.
  ///
  /// Call it first thing in `main`: it reads the key from standard input
  /// before any of the student's code can run.
  public static func runChild(
    _ exercise: Exercise, checks ids: [String]? = nil, code: WorkbookCode, timeLimit: TimeInterval
  ) -> Never {
    guard let key = receiveKey() else {
      FileHandle.standardError.write(
        Data("This is the grading process of `workbook check`; run that instead.\n".utf8))
      exit(noKeyExitCode)
    }
    let signer = ReportSigner(key: key)
    let watchdog = Watchdog(timeLimit: timeLimit) { check in
      emit(signer.line(resultMarker, encode(timedOut(check, timeLimit: timeLimit))))
    }
    for check in Grader.checks(exercise) where ids?.contains(check.id) ?? true {
      emit(signer.line(runningMarker, check.id))
      watchdog.start(check)
      let started = Date()
      var result = check.run(code)
      watchdog.stop()
      result.seconds = Date().timeIntervalSince(started)
      emit(signer.line(resultMarker, encode(result)))
    }
    exit(reportedExitCode)
  }

  /// Reads the key the parent wrote on standard input (one line of hex),
  /// then puts /dev/null in its place, so nothing the child runs later can
  /// read it there. Nil on a terminal or without a valid key.
  static func receiveKey() -> [UInt8]? {
    guard isatty(0) == 0 else { return nil }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 256)
    while !bytes.contains(UInt8(ascii: "\n")) && bytes.count < 1024 {
      let count = read(0, &buffer, buffer.count)
      if count <= 0 { break }
      bytes += buffer[0..<count]
    }
    let null = open("/dev/null", O_RDONLY)
    if null >= 0 {
      dup2(null, 0)
      close(null)
    }
    let text = String(decoding: bytes, as: UTF8.self).split(separator: "\n").first ?? ""
    guard let key = [UInt8](hex: text), key.count == ReportSigner.keyLength else { return nil }
    return key
  }

  /// Writes one protocol line. The leading newline ends any line the
  /// student's code left unfinished, so the marker starts a line; the
  /// flush keeps its earlier `print`s before the report.
  private static func emit(_ line: String) {
    fflush(stdout)
    let bytes = Array(("\n" + line + "\n").utf8)
    var written = 0
    while written < bytes.count {
      let count = bytes[written...].withUnsafeBytes { write(1, $0.baseAddress, $0.count) }
      if count <= 0 { return }
      written += count
    }
  }

  // MARK: - Parent side

  /// How the child ended, as the parent saw it.
  public enum Ending: Equatable, Sendable {
    case exited(Int32)
    case signaled(Int32)
    /// The parent killed it after it went silent past the time limit.
    case silent
  }

  /// What the parent makes of one child's output.
  public struct Collected: Sendable {
    /// One result per check the child settled, in the order reported.
    public var results: [CheckResult]
    /// The checks asked for that the child did not reach.
    public var unreached: [String]
    /// What the student's code printed during each check.
    public var printed: [String: [String]]
  }

  /// Parent side: the results the child reported under `key`, plus a
  /// result for the check it was running when it crashed or ran out of
  /// time, and `tampered` for every check during which (or about which) a
  /// line that does not verify appeared.
  public static func collect(
    _ exercise: Exercise, checks ids: [String], output: String, errorOutput: String, ending: Ending,
    timeLimit: TimeInterval, key: [UInt8]
  ) -> Collected {
    let signer = ReportSigner(key: key)
    let checks = Grader.checks(exercise)
    var results: [String: CheckResult] = [:]
    var order: [String] = []
    var forged: Set<String> = []
    var printed: [String: [String]] = [:]
    var running: String?
    var lastSettled: String?

    func settle(_ result: CheckResult) {
      if results[result.check] == nil { order.append(result.check) }
      results[result.check] = result
      lastSettled = result.check
    }
    func blame(_ named: String?) {
      let target = running ?? named.flatMap { ids.contains($0) ? $0 : nil } ?? lastSettled ?? ids.first
      if let target { forged.insert(target) }
    }

    for line in output.split(separator: "\n", omittingEmptySubsequences: false) {
      if line.hasPrefix(runningMarker) {
        guard let id = signer.verify(line, marker: runningMarker) else {
          blame(line.dropFirst(runningMarker.count).split(separator: " ").last.map(String.init))
          continue
        }
        // Only the child itself can tag a line; one for a check it was not
        // asked for is a fault of the grading program, not a forgery.
        guard ids.contains(id), results[id] == nil, running == nil || running == id else { continue }
        running = id
      } else if line.hasPrefix(resultMarker) {
        guard let json = signer.verify(line, marker: resultMarker) else {
          blame(namedCheck(in: line))
          continue
        }
        guard let result = decode(json), result.check == running else { continue }
        settle(result)
        running = nil
      } else if let current = running {
        printed[current, default: []].append(String(line))
      }
    }
    if let running, let check = checks.first(where: { $0.id == running }) {
      settle(
        abnormalEnd(
          check, ending: ending, errorOutput: errorOutput, printed: printed[running] ?? [], timeLimit: timeLimit))
    }
    for id in forged {
      guard let check = checks.first(where: { $0.id == id }) else { continue }
      settle(tampered(check))
    }
    let settled = order.compactMap { results[$0] }
    return Collected(
      results: settled, unreached: ids.filter { results[$0] == nil }, printed: printed)
  }

  /// The check id a (forged) result line names, if it names one.
  private static func namedCheck(in line: Substring) -> String? {
    guard let range = line.range(of: "\"check\":\"") else { return nil }
    return line[range.upperBound...].split(separator: "\"", maxSplits: 1).first.map(String.init)
  }

  static func tampered(_ check: AnyCheck) -> CheckResult {
    CheckResult(
      exercise: check.exercise, check: check.id, title: check.title, status: .tampered,
      message: "Your code wrote a line that imitates the grader's own report (“\(resultMarker)…” or "
        + "“\(runningMarker)…”). Only the grader reports results, so this check scores 0. Remove that output "
        + "and grade again.")
  }

  static func timedOut(_ check: AnyCheck, timeLimit: TimeInterval) -> CheckResult {
    CheckResult(
      exercise: check.exercise, check: check.id, title: check.title, status: .timedOut,
      message: "Your code was still running after \(formatSeconds(timeLimit)), so it was stopped. Look for a loop "
        + "that never ends (a stride whose step is 0, a while whose condition never changes).",
      seconds: timeLimit)
  }

  private static func abnormalEnd(
    _ check: AnyCheck, ending: Ending, errorOutput: String, printed: [String], timeLimit: TimeInterval
  ) -> CheckResult {
    let message: String
    let status: CheckResult.Status
    switch ending {
    case .silent:
      return timedOut(check, timeLimit: timeLimit)
    case let .exited(code):
      status = .crashed
      message = "Your code ended the process during this check (exit code \(code)). Code that is graded must "
        + "return or throw; it must not call exit(), _exit() or abort()."
    case let .signaled(signal):
      status = .crashed
      let reason = crashReason(errorOutput).map { ": \($0)" } ?? ""
      let location = crashLocation(errorOutput, exercise: check.exercise).map { ", at \($0)" } ?? ""
      message = "Your code crashed during this check (signal \(signal)\(signalName(signal).map { ", \($0)" } ?? ""))"
        + reason + location
        + ". Typical causes: an index out of range, force-unwrapping a nil grad (`p.grad!`), or a precondition."
    }
    let shown = printed.reversed().drop { $0.isEmpty }.prefix(printedTail).reversed()
    let tail = shown.isEmpty ? "" : "\nThe last lines your code printed:\n" + shown.map { "  | " + $0 }.joined(separator: "\n")
    return CheckResult(
      exercise: check.exercise, check: check.id, title: check.title, status: status, message: message + tail)
  }

  /// Lines of the student's output shown under a crash.
  static let printedTail = 10

  /// "30 s", "1.5 s", "0.25 s": a time limit as a person reads it.
  static func formatSeconds(_ seconds: TimeInterval) -> String {
    seconds == seconds.rounded() ? "\(Int(seconds)) s" : "\(String(format: "%g", seconds)) s"
  }

  /// The runtime's own words ("Fatal error: Index out of range"), if any,
  /// without the runtime's module path in front.
  static func crashReason(_ errorOutput: String) -> String? {
    guard
      let line = errorOutput.split(separator: "\n").first(where: {
        $0.contains("Fatal error") || $0.contains("Precondition failed") || $0.contains("Assertion failed")
      })
    else { return nil }
    let text = String(line).trimmingCharacters(in: .whitespaces)
    for word in ["Fatal error", "Precondition failed", "Assertion failed"] {
      if let range = text.range(of: word) { return String(text[range.lowerBound...]) }
    }
    return text
  }

  /// Where in the student's file the crash happened, when the runtime or
  /// its backtrace says: "Exercises/ex3-…/GradientAccumulation.swift:42".
  ///
  /// The runtime names a file by its module ("Exercise3/File.swift:42"),
  /// which is not a path the student can open; it is mapped to the folder.
  static func crashLocation(_ errorOutput: String, exercise: Exercise) -> String? {
    let file = (exercise.sourceFile as NSString).lastPathComponent
    let folder = "Exercises/\(exercise.folder)/"
    for line in errorOutput.split(separator: "\n") {
      for prefix in ["\(folder)\(file):", "Exercise\(exercise.rawValue)/\(file):"] {
        guard let range = line.range(of: prefix) else { continue }
        let digits = line[range.upperBound...].prefix { $0.isNumber }
        if !digits.isEmpty { return "\(exercise.sourceFile):\(digits)" }
      }
    }
    return nil
  }

  static func signalName(_ signal: Int32) -> String? {
    switch signal {
    case SIGILL: return "SIGILL, a Swift runtime trap"
    case SIGTRAP: return "SIGTRAP, a Swift runtime trap"
    case SIGABRT: return "SIGABRT"
    case SIGSEGV: return "SIGSEGV"
    case SIGBUS: return "SIGBUS"
    case SIGFPE: return "SIGFPE"
    case SIGKILL: return "SIGKILL"
    default: return nil
    }
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

/// Tags protocol lines with HMAC-SHA-256 under one child's key, and checks
/// the tags of the lines that come back.
public struct ReportSigner: Sendable {
  public static let keyLength = 32
  let key: [UInt8]

  public init(key: [UInt8]) { self.key = key }

  /// A fresh random key, from the system's cryptographic generator.
  public static func freshKey() -> [UInt8] {
    var generator = SystemRandomNumberGenerator()
    return (0..<keyLength).map { _ in UInt8.random(in: 0...255, using: &generator) }
  }

  /// What the parent writes on the child's standard input.
  public static func keyLine(_ key: [UInt8]) -> String { key.hex + "\n" }

  /// `marker`, the tag, a space and `payload`. The tag covers the marker,
  /// so a result cannot pass as a running line or the other way round.
  public func line(_ marker: String, _ payload: String) -> String {
    marker + tag(marker, payload) + " " + payload
  }

  /// The payload of `line` if its tag verifies under this key.
  func verify(_ line: Substring, marker: String) -> String? {
    let rest = line.dropFirst(marker.count)
    guard let space = rest.firstIndex(of: " ") else { return nil }
    let payload = String(rest[rest.index(after: space)...])
    let given = Array(rest[..<space].utf8)
    let expected = Array(tag(marker, payload).utf8)
    guard given.count == expected.count else { return nil }
    // Compare every byte, so the time taken says nothing about the tag.
    return zip(given, expected).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0 ? payload : nil
  }

  private func tag(_ marker: String, _ payload: String) -> String {
    SHA256.hmac(key: key, message: Array((marker + payload).utf8)).hex
  }
}

/// Ends the process when the current check runs past its time limit,
/// after `report` has said so for that check.
private final class Watchdog: @unchecked Sendable {
  private let lock = NSLock()
  private var deadline: Date?
  private var check: AnyCheck?
  private let timeLimit: TimeInterval
  private let report: (AnyCheck) -> Void

  init(timeLimit: TimeInterval, report: @escaping (AnyCheck) -> Void) {
    self.timeLimit = timeLimit
    self.report = report
    let thread = Thread { [unowned self] in self.watch() }
    thread.start()
  }

  func start(_ check: AnyCheck) { lock.withLock { deadline = Date() + timeLimit; self.check = check } }
  func stop() { lock.withLock { deadline = nil } }

  private func watch() {
    while true {
      Thread.sleep(forTimeInterval: 0.05)
      let expired = lock.withLock { deadline.map { Date() > $0 } ?? false ? check : nil }
      if let expired {
        report(expired)
        _exit(IsolatedGrading.timedOutExitCode)
      }
    }
  }
}
