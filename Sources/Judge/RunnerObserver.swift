import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Runs the student's code in a runner's child process (`workbook-exN
/// __observe`) and takes back what it observed.
///
/// The child holds the student's code and the harness, nothing else: no
/// expected value, no mistake, no key. Each request is answered by exactly
/// one well-formed observation; anything else on the protocol stream
/// (a line that is not one, one too many, one for another request) makes
/// the check tampered. The student's own output arrives on the child's
/// standard error and is kept per check, to show under a failure.
///
/// One child serves an exercise's checks in turn. A crash, an exit or a
/// time-out ends only the check that was running: the next one gets a new
/// child. When grading is done (or the observer goes away) the child's
/// whole process group is killed, so nothing it started outlives it.
public final class RunnerObserver: Observer {
  public let exercise: Exercise
  /// The program and its arguments before `__observe exN`: the runner
  /// itself, or a launcher that starts it as another user.
  public let command: [String]
  /// Seconds one check may run.
  public let timeLimit: TimeInterval
  private var child: Child?

  public init(exercise: Exercise, command: [String], timeLimit: TimeInterval) {
    self.exercise = exercise
    self.command = command
    self.timeLimit = timeLimit
  }

  deinit { child?.end() }

  /// Ends the child now (it ends anyway when the observer goes away).
  public func finish() {
    child?.end()
    child = nil
  }

  public func observe(_ requests: [Request], answers: [Answer], check: Check) -> CheckRun {
    let deadline = Date() + timeLimit
    do {
      if child == nil { child = try Child(command + ["__observe", exercise.name]) }
      let running = child!
      running.printed = []
      var observations: [Observation] = []
      for (request, answer) in zip(requests, answers) {
        let id = UInt64.random(in: 1...UInt64.max)
        running.send(.request(id: id, request))
        observations.append(try running.reply(to: id, answering: answer, by: deadline))
      }
      // Whatever arrives before the child says it is idle came from the
      // student's code during this check.
      let token = UInt64.random(in: 1...UInt64.max)
      running.send(.sync(token))
      try running.synced(token, by: deadline)
      return .observed(observations, printed: running.printed)
    } catch let end as Child.End {
      let printed = child?.printed ?? []
      let errors = child?.errorText ?? ""
      child?.end()
      child = nil
      return end.run(check: check, printed: printed, errorOutput: errors, timeLimit: timeLimit)
    } catch {
      child?.end()
      child = nil
      return .ended(.crashed, "The grading process could not start: \(error)")
    }
  }
}

/// One runner child and its three streams.
final class Child {
  /// Why a check could not be judged.
  enum End: Error {
    case exited(Int32)
    case signaled(Int32)
    case timedOut
    case tampered(String)

    func run(check: Check, printed: [String], errorOutput: String, timeLimit: TimeInterval) -> CheckRun {
      let tail = Self.tail(printed)
      switch self {
      case .timedOut:
        return .ended(
          .timedOut,
          "Your code was still running after \(Int(timeLimit)) s, so it was stopped. Look for a loop that never "
            + "ends (a stride whose step is 0, a while whose condition never changes)." + tail)
      case let .exited(code):
        return .ended(
          .crashed,
          "Your code ended the process during this check (exit code \(code)). Code that is graded must return or "
            + "throw; it must not call exit(), _exit() or abort()." + tail)
      case let .signaled(signal):
        let reason = CrashReport.reason(errorOutput).map { ": \($0)" } ?? ""
        let location = CrashReport.location(errorOutput, exercise: check.exercise).map { ", at \($0)" } ?? ""
        return .ended(
          .crashed,
          "Your code crashed during this check (signal \(signal)\(CrashReport.signalName(signal).map { ", \($0)" } ?? ""))"
            + reason + location
            + ". Typical causes: an index out of range, force-unwrapping a nil grad (`p.grad!`), or a precondition."
            + tail)
      case let .tampered(what):
        return .ended(
          .tampered,
          "Something other than the grader wrote to the grader's channel during this check (\(what)). Only the "
            + "harness reports what your code did, so this check scores 0. Remove that output and grade again.")
      }
    }

    /// The last lines the code printed, without what the runtime wrote
    /// about its crash after them.
    static func tail(_ printed: [String]) -> String {
      let runtime = printed.firstIndex { line in
        line.hasPrefix("*** ") || ["Fatal error", "Precondition failed", "Assertion failed"].contains { line.contains($0) }
      }
      let own = printed[..<(runtime ?? printed.endIndex)]
      let lines = Array(own.drop { $0.isEmpty }.reversed().drop { $0.isEmpty }.reversed())
      guard !lines.isEmpty else { return "" }
      return "\nThe last lines your code printed:\n" + lines.suffix(10).map { "  | " + $0 }.joined(separator: "\n")
    }
  }

  private let process = Process()
  private let input = Pipe()
  private let output = Pipe()
  private let errors = Pipe()
  private var outBuffer: [UInt8] = []
  private var errBuffer: [UInt8] = []
  private var errorLog: [UInt8] = []
  /// The student's output during the current check, by line.
  var printed: [String] = []

  init(_ command: [String]) throws {
    process.executableURL = URL(fileURLWithPath: command[0])
    process.arguments = Array(command.dropFirst())
    process.standardInput = input
    process.standardOutput = output
    process.standardError = errors
    ChildRegistry.installInterruptHandler()
    signal(SIGPIPE, SIG_IGN)
    try process.run()
    ChildRegistry.add(process.processIdentifier, signal: SIGKILL)
  }

  var errorText: String { String(decoding: errorLog, as: UTF8.self) }

  func send(_ message: JudgeMessage) {
    let bytes = Array((ProtocolCoding.encode(message) + "\n").utf8)
    let fd = input.fileHandleForWriting.fileDescriptor
    var written = 0
    while written < bytes.count {
      let count = bytes[written...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
      if count <= 0 { return }
      written += count
    }
  }

  /// The observation answering request `id`, answering the clipping
  /// questions that come before it from `answer`.
  func reply(to id: UInt64, answering answer: Answer, by deadline: Date) throws -> Observation {
    while true {
      let line = try nextLine(by: deadline)
      guard let message = ProtocolCoding.decode(RunnerMessage.self, from: line) else {
        throw End.tampered("a line that is not the harness's: “\(line.prefix(60))”")
      }
      switch message {
      case let .clipQuestion(question): send(.clipAnswer(answer.clipping(question)))
      case let .observation(replyID, observation):
        guard replyID == id else { throw End.tampered("an observation for a request that was not sent") }
        return observation
      case .synced: throw End.tampered("a reply that was not asked for")
      }
    }
  }

  /// Waits for the child's answer to `sync(token)`: nothing else may come first.
  func synced(_ token: UInt64, by deadline: Date) throws {
    let line = try nextLine(by: deadline)
    guard case let .synced(echo)? = ProtocolCoding.decode(RunnerMessage.self, from: line), echo == token else {
      throw End.tampered("a second observation for one request, or a line that is not the harness's")
    }
  }

  /// The next protocol line, reading the student's output meanwhile.
  private func nextLine(by deadline: Date) throws -> String {
    let out = output.fileHandleForReading.fileDescriptor
    let err = errors.fileHandleForReading.fileDescriptor
    var buffer = [UInt8](repeating: 0, count: 1 << 16)
    var fds = [pollfd(fd: out, events: Int16(POLLIN), revents: 0), pollfd(fd: err, events: Int16(POLLIN), revents: 0)]
    while true {
      if let newline = outBuffer.firstIndex(of: UInt8(ascii: "\n")) {
        let line = String(decoding: outBuffer[..<newline], as: UTF8.self)
        outBuffer.removeSubrange(...newline)
        return line
      }
      let left = deadline.timeIntervalSinceNow
      if left <= 0 { throw End.timedOut }
      _ = poll(&fds, nfds_t(fds.count), Int32(min(left, 0.2) * 1000) + 1)
      for i in fds.indices where fds[i].fd >= 0 && fds[i].revents != 0 {
        let count = read(fds[i].fd, &buffer, buffer.count)
        if count <= 0 {
          fds[i].fd = -1
          continue
        }
        if i == 0 {
          outBuffer += buffer[..<count]
          if outBuffer.count > 64 << 20 { throw End.tampered("more than 64 MiB without a line break") }
        } else {
          takeErrors(buffer[..<count])
        }
      }
      if fds[0].fd < 0 {
        // The protocol stream closed: the child is gone, or closing.
        drainErrors(err)
        process.waitUntilExit()
        ChildRegistry.remove(process.processIdentifier)
        if process.terminationReason == .uncaughtSignal { throw End.signaled(process.terminationStatus) }
        throw End.exited(process.terminationStatus)
      }
    }
  }

  private func takeErrors(_ chunk: ArraySlice<UInt8>) {
    if errorLog.count < 8 << 20 { errorLog += chunk }
    errBuffer += chunk
    while let newline = errBuffer.firstIndex(of: UInt8(ascii: "\n")) {
      if printed.count < 1000 { printed.append(String(decoding: errBuffer[..<newline], as: UTF8.self)) }
      errBuffer.removeSubrange(...newline)
    }
  }

  /// What is left on standard error once the child has gone.
  private func drainErrors(_ fd: Int32) {
    var buffer = [UInt8](repeating: 0, count: 1 << 16)
    var fds = [pollfd(fd: fd, events: Int16(POLLIN), revents: 0)]
    let until = Date() + 0.5
    while Date() < until, poll(&fds, 1, 50) > 0 {
      let count = read(fd, &buffer, buffer.count)
      if count <= 0 { break }
      takeErrors(buffer[..<count])
    }
    if !errBuffer.isEmpty {
      printed.append(String(decoding: errBuffer, as: UTF8.self))
      errBuffer = []
    }
  }

  /// Kills the child's process group and everything in it.
  func end() {
    let pid = process.processIdentifier
    if pid > 0 {
      kill(-pid, SIGKILL)
      kill(pid, SIGKILL)
    }
    try? input.fileHandleForWriting.close()
    process.waitUntilExit()
    ChildRegistry.remove(pid)
    try? output.fileHandleForReading.close()
    try? errors.fileHandleForReading.close()
  }
}
