import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The runner's side of grading: reads requests, runs them with `Harness`,
/// writes back what it observed. Never returns.
///
/// Before any student code runs it moves the protocol off the standard
/// descriptors: requests are read from a copy of standard input, which
/// becomes /dev/null, and observations written to a copy of standard
/// output, which becomes standard error, so that whatever the code prints
/// (with `print` or to any descriptor it was given) reaches the judge as
/// printed text, not as protocol. Code that finds the copies and writes
/// to them anyway only spoils its own grade: the judge takes exactly one
/// well-formed observation per request, and anything else as tampering.
public enum RunnerChild {
  public static func main(code: WorkbookCode) -> Never {
    let input = dup(0)
    let output = dup(1)
    _ = fcntl(input, F_SETFD, FD_CLOEXEC)
    _ = fcntl(output, F_SETFD, FD_CLOEXEC)
    let null = open("/dev/null", O_RDONLY)
    dup2(null, 0)
    close(null)
    dup2(2, 1)
    // Line-buffer what the code prints: into a pipe it would otherwise be
    // held back until exit, and lost in a crash.
    setvbuf(stdout, nil, _IOLBF, 0)
    let channel = Channel(input: input, output: output)
    while let message = channel.read(JudgeMessage.self) {
      switch message {
      case let .request(id, request):
        let observation = Harness.observe(request, code: code) { question in
          channel.write(RunnerMessage.clipQuestion(question))
          guard case let .clipAnswer(answer)? = channel.read(JudgeMessage.self) else { exit(0) }
          return answer
        }
        fflush(stdout)
        channel.write(RunnerMessage.observation(id: id, observation))
      case let .sync(token):
        fflush(stdout)
        channel.write(RunnerMessage.synced(token))
      case .clipAnswer:
        continue
      }
    }
    exit(0)
  }
}

/// Lines of JSON over two descriptors.
final class Channel {
  private let input: Int32
  private let output: Int32
  private var buffer: [UInt8] = []

  init(input: Int32, output: Int32) {
    self.input = input
    self.output = output
  }

  /// The next line decoded, or nil at the end of input.
  func read<T: Decodable>(_ type: T.Type) -> T? {
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while true {
      if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
        let line = String(decoding: buffer[..<newline], as: UTF8.self)
        buffer.removeSubrange(...newline)
        return ProtocolCoding.decode(type, from: line)
      }
      let count = Foundation.read(input, &chunk, chunk.count)
      if count <= 0 { return nil }
      buffer += chunk[..<count]
    }
  }

  func write<T: Encodable>(_ value: T) {
    let bytes = Array((ProtocolCoding.encode(value) + "\n").utf8)
    var written = 0
    while written < bytes.count {
      let count = bytes[written...].withUnsafeBytes { Foundation.write(output, $0.baseAddress, $0.count) }
      if count <= 0 { return }
      written += count
    }
  }
}
