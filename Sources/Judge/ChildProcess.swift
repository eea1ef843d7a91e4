import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// How a child process ended, as seen from the parent.
public struct ChildRun: Equatable, Sendable {
  public enum Termination: Equatable, Sendable {
    case exited(Int32)
    case signaled(Int32)
  }

  public var output: String
  public var errorOutput: String
  public var termination: Termination
  /// The parent killed the child because it went quiet for too long.
  public var stoppedForSilence: Bool
}

/// Runs a program to its end, reading its standard output and error as
/// they come, and kills it if it stays silent too long.
///
/// Both pipes are read in one `poll` loop: reading one pipe to its end
/// before the other would deadlock as soon as the child fills the other
/// pipe's buffer (64 KiB on Linux). The loop also keeps the clock, so no
/// watchdog thread is needed on this side.
///
/// Foundation starts every child in its own process group, so Ctrl-C in the
/// terminal reaches only us; `ChildRegistry` passes it on by killing the
/// groups still running.
public struct ChildProcess: Sendable {
  public var executable: URL
  public var arguments: [String]
  public var currentDirectory: URL?
  /// The child is killed once this long passes without a progress line on
  /// its standard output; nil: never.
  public var silenceLimit: TimeInterval?
  /// Which output lines count as progress (reset the silence clock).
  public var isProgress: @Sendable (Substring) -> Bool
  /// Output kept per stream; past it only progress lines are kept, so a
  /// student's `print` in an endless loop cannot exhaust memory.
  public var outputLimit = 8 << 20
  /// What Ctrl-C sends the child's process group: SIGKILL for code that
  /// may ignore anything gentler, SIGINT for a tool (`swift build`) that
  /// should stop its own children.
  public var interruptSignal = SIGKILL
  /// Written to the child's standard input, which is then closed; nil:
  /// the child reads /dev/null.
  public var input: Data?
  /// Kill the child's whole process group once it has ended, so nothing
  /// it started in the background outlives it.
  public var killGroupWhenDone = false

  public init(
    executable: URL, arguments: [String], currentDirectory: URL? = nil, silenceLimit: TimeInterval? = nil,
    isProgress: @escaping @Sendable (Substring) -> Bool = { _ in true }
  ) {
    self.executable = executable
    self.arguments = arguments
    self.currentDirectory = currentDirectory
    self.silenceLimit = silenceLimit
    self.isProgress = isProgress
  }

  /// Starts the program and waits for it.
  ///
  /// - Throws: the error of `Process.run()` when the program cannot start.
  public func run() throws -> ChildRun {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    if let currentDirectory { process.currentDirectoryURL = currentDirectory }
    let outPipe = Pipe()
    let errPipe = Pipe()
    process.standardOutput = outPipe
    process.standardError = errPipe
    let inPipe = input.map { _ in Pipe() }
    process.standardInput = inPipe ?? FileHandle.nullDevice
    ChildRegistry.installInterruptHandler()
    try process.run()
    let pid = process.processIdentifier
    ChildRegistry.add(pid, signal: interruptSignal)
    defer { ChildRegistry.remove(pid) }
    if let inPipe, let input {
      // A child that ends without reading must not take us down with
      // SIGPIPE: the write then just fails.
      signal(SIGPIPE, SIG_IGN)
      let fd = inPipe.fileHandleForWriting.fileDescriptor
      _ = input.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
      try? inPipe.fileHandleForWriting.close()
    }

    var out = StreamCollector(limit: outputLimit, isProgress: isProgress)
    var err = StreamCollector(limit: outputLimit, isProgress: { _ in false })
    var fds = [
      pollfd(fd: outPipe.fileHandleForReading.fileDescriptor, events: Int16(POLLIN), revents: 0),
      pollfd(fd: errPipe.fileHandleForReading.fileDescriptor, events: Int16(POLLIN), revents: 0),
    ]
    var deadline = silenceLimit.map { Date() + $0 }
    var stoppedForSilence = false
    var exitedAt: Date?
    var buffer = [UInt8](repeating: 0, count: 1 << 16)

    while fds.contains(where: { $0.fd >= 0 }) {
      _ = poll(&fds, nfds_t(fds.count), 50)
      for i in fds.indices where fds[i].fd >= 0 && fds[i].revents != 0 {
        let count = read(fds[i].fd, &buffer, buffer.count)
        if count <= 0 {
          fds[i].fd = -1  // end of stream; poll ignores negative descriptors
          continue
        }
        let chunk = buffer[0..<count]
        if i == 0 {
          if out.append(chunk), let limit = silenceLimit { deadline = Date() + limit }
        } else {
          _ = err.append(chunk)
        }
      }
      if let deadline, !stoppedForSilence, Date() > deadline {
        kill(-pid, SIGKILL)
        stoppedForSilence = true
      }
      // A grandchild may hold the pipes open after the child is gone: once
      // the child has ended, read what is there and stop.
      if !process.isRunning {
        if exitedAt == nil { exitedAt = Date() }
        if Date().timeIntervalSince(exitedAt!) > 0.5 { break }
      }
    }
    process.waitUntilExit()
    if killGroupWhenDone { kill(-pid, SIGKILL) }
    try? outPipe.fileHandleForReading.close()
    try? errPipe.fileHandleForReading.close()

    let termination: ChildRun.Termination =
      process.terminationReason == .uncaughtSignal
      ? .signaled(process.terminationStatus) : .exited(process.terminationStatus)
    return ChildRun(
      output: out.text, errorOutput: err.text, termination: termination, stoppedForSilence: stoppedForSilence)
  }
}

/// Collects one stream's bytes, split into lines so progress can be seen
/// as it arrives and kept when everything else is dropped.
private struct StreamCollector {
  let limit: Int
  let isProgress: (Substring) -> Bool
  private var kept = Data()
  private var partial = Data()
  private var truncated = false

  init(limit: Int, isProgress: @escaping (Substring) -> Bool) {
    self.limit = limit
    self.isProgress = isProgress
  }

  /// Adds a chunk; true if it completed at least one progress line.
  mutating func append(_ chunk: ArraySlice<UInt8>) -> Bool {
    partial.append(contentsOf: chunk)
    var sawProgress = false
    while let newline = partial.firstIndex(of: UInt8(ascii: "\n")) {
      let line = partial[partial.startIndex...newline]
      let text = String(decoding: line.dropLast(), as: UTF8.self)
      let progress = isProgress(Substring(text))
      sawProgress = sawProgress || progress
      if kept.count + line.count <= limit || progress {
        kept.append(line)
      } else {
        truncated = true
      }
      partial = Data(partial[partial.index(after: newline)...])
    }
    return sawProgress
  }

  var text: String {
    var all = kept
    if kept.count + partial.count <= limit { all.append(partial) }
    return String(decoding: all, as: UTF8.self) + (truncated ? "\n[… output cut: it exceeded \(limit >> 20) MiB]\n" : "")
  }
}

/// The child processes still running, so Ctrl-C can take them down too.
///
/// Children run in their own process groups and do not see the terminal's
/// Ctrl-C; without this, an endless loop in a student's code would keep
/// running after `workbook` has gone. The table is a fixed C array because
/// a signal handler may only touch plain memory.
enum ChildRegistry {
  private static let capacity = 64
  private static let slots: UnsafeMutablePointer<pid_t> = {
    let slots = UnsafeMutablePointer<pid_t>.allocate(capacity: capacity)
    slots.initialize(repeating: 0, count: capacity)
    return slots
  }()
  private static let lock = NSLock()
  private static let signals: UnsafeMutablePointer<Int32> = {
    let signals = UnsafeMutablePointer<Int32>.allocate(capacity: capacity)
    signals.initialize(repeating: SIGKILL, count: capacity)
    return signals
  }()
  private static let installOnce: Void = {
    _ = (slots, signals)
    signal(SIGINT) { _ in
      for i in 0..<ChildRegistry.capacity where ChildRegistry.slots[i] > 0 {
        kill(-ChildRegistry.slots[i], ChildRegistry.signals[i])
      }
      _exit(130)
    }
  }()

  static func installInterruptHandler() { _ = installOnce }

  static func add(_ pid: pid_t, signal: Int32) {
    lock.withLock {
      guard let free = (0..<capacity).first(where: { slots[$0] == 0 }) else { return }
      signals[free] = signal
      slots[free] = pid
    }
  }

  static func remove(_ pid: pid_t) {
    lock.withLock {
      for i in 0..<capacity where slots[i] == pid { slots[i] = 0 }
    }
  }
}
