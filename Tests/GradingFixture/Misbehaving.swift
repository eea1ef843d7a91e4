import Autograd
import Datasets
import Foundation
import Harness

#if canImport(Glibc)
  import Glibc
#endif

/// Exercise 3 implementations that do not merely compute a wrong number.
enum Misbehaving {
  typealias Train = (any Module, any Optimizer, [Batch], Int, LossFunction) throws -> [Double]

  static let all: [String: Train] = [
    "index-out-of-range": unclampedWindow,
    "endless-loop": neverAdvances,
    "precondition": failsPrecondition,
    "forged-stdout": { _, _, _, _, _ in
      Forgery.write(to: [1])
      return []
    },
    "forged-every-fd": { _, _, _, _, _ in
      Forgery.write(to: Array(0...64))
      return []
    },
    "forged-then-exit-0": { _, _, _, _, _ in
      Forgery.write(to: Array(0...64))
      exit(0)
    },
    "forged-then-_exit-3": { _, _, _, _, _ in
      Forgery.write(to: Array(0...64))
      _exit(3)
    },
    "forged-later-in-background": { _, _, _, _, _ in
      // A process of its own that writes the forged lines once the check
      // is over, on every descriptor it inherited.
      let process = Process()
      process.executableURL = URL(fileURLWithPath: "/bin/sh")
      process.arguments = [
        "-c", "sleep 0.3; for fd in 1 2 3 4 5 6 7 8 9; do printf '%s\\n' \"$0\" >&$fd; done 2>/dev/null",
        Forgery.line(id: 1),
      ]
      try? process.run()
      return []
    },
    "forged-at-exit": { _, _, _, _, _ in
      atexit { Forgery.write(to: Array(0...64)) }
      return []
    },
    "forged-with-what-it-can-read": { _, _, _, _, _ in
      // Everything the code can reach: its descriptors, arguments,
      // environment and its own memory, searched for anything key-like
      // (a run of 64 hex digits) and for the id of the request it is
      // answering; each found is used to forge, then the process ends
      // before the harness can answer for itself.
      var ids: Set<UInt64> = [1]
      for text in [CommandLine.arguments.joined(separator: " ")] + Array(ProcessInfo.processInfo.environment.values)
        + Forgery.readableMemory()
      {
        ids.formUnion(Forgery.requestIDs(in: text))
        if Forgery.keyLike(in: text) { FileHandle.standardError.write(Data("found something key-like\n".utf8)) }
      }
      for id in ids.prefix(50) { Forgery.write(to: Array(0...64), id: id) }
      _exit(0)
    },
  ]

  /// Takes each window as `start..<start + accumulationSteps`: right while
  /// windows are full, index out of range on a shorter last one.
  static func unclampedWindow(
    model: any Module, optimizer: any Optimizer, microBatches: [Batch], accumulationSteps: Int,
    lossFunction: LossFunction
  ) throws -> [Double] {
    var losses: [Double] = []
    optimizer.zeroGrad()
    for start in stride(from: 0, to: microBatches.count, by: accumulationSteps) {
      // BUG: past the end of the array when the last window is shorter.
      let window = microBatches[start..<start + accumulationSteps]
      let windowSamples = window.reduce(0) { $0 + $1.count }
      var windowLoss = 0.0
      for batch in window {
        let loss = try lossFunction(model(batch.inputs), batch.targets)
        let weight = Double(batch.count) / Double(windowSamples)
        try (loss * weight).backward()
        windowLoss += loss.item() * weight
      }
      optimizer.step()
      optimizer.zeroGrad()
      losses.append(windowLoss)
    }
    return losses
  }

  /// A `while` loop whose index never advances.
  static func neverAdvances(
    model: any Module, optimizer: any Optimizer, microBatches: [Batch], accumulationSteps: Int,
    lossFunction: LossFunction
  ) throws -> [Double] {
    let start = 0  // BUG: never advances, so the loop below never ends
    var losses: [Double] = []
    while start < microBatches.count {
      losses.append(try lossFunction(model(microBatches[start].inputs), microBatches[start].targets).item())
      if losses.count > 1_000_000 { losses.removeAll() }
    }
    return losses
  }

  /// A precondition of the student's own that fails.
  static func failsPrecondition(
    model: any Module, optimizer: any Optimizer, microBatches: [Batch], accumulationSteps: Int,
    lossFunction: LossFunction
  ) throws -> [Double] {
    print("about to check the window")
    precondition(microBatches.isEmpty, "windows must be full")
    return []
  }
}

/// Protocol lines a student's code could write: an observation that claims
/// the loop returned and stepped, in the protocol's own format.
enum Forgery {
  static func line(id: UInt64) -> String {
    ProtocolCoding.encode(
      RunnerMessage.observation(id: id, Observation(outcome: .returned(.numbers([0.5, 0.4, 0.3])))))
  }

  /// Writes a forged observation to each of `descriptors` that is open,
  /// each on a fresh line.
  static func write(to descriptors: [Int32], id: UInt64 = 1) {
    let bytes = Array(("\n" + line(id: id) + "\n").utf8)
    for fd in descriptors { _ = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) } }
  }

  /// The text of this process's writable memory, as far as it can be read.
  static func readableMemory() -> [String] {
    guard let maps = try? String(contentsOfFile: "/proc/self/maps", encoding: .utf8),
      let mem = FileHandle(forReadingAtPath: "/proc/self/mem")
    else { return [] }
    var texts: [String] = []
    for line in maps.split(separator: "\n") where line.contains(" rw") {
      let range = line.split(separator: " ")[0].split(separator: "-").compactMap { UInt64($0, radix: 16) }
      guard range.count == 2, range[1] - range[0] < 64 << 20 else { continue }
      try? mem.seek(toOffset: range[0])
      if let data = try? mem.read(upToCount: Int(range[1] - range[0])) {
        texts.append(String(decoding: data.map { $0 == 0 ? 10 : $0 }, as: UTF8.self))
      }
    }
    return texts
  }

  /// The ids of requests (`"request":{"_0":…` / `"id":N`) in `text`.
  static func requestIDs(in text: String) -> Set<UInt64> {
    var ids: Set<UInt64> = []
    var rest = Substring(text)
    while let range = rest.range(of: "\"id\":") {
      rest = rest[range.upperBound...]
      if let id = UInt64(rest.prefix { $0.isNumber }) { ids.insert(id) }
    }
    return ids
  }

  /// Whether `text` holds 64 hex digits in a row, as an HMAC key would.
  static func keyLike(in text: String) -> Bool {
    var run = 0
    for c in text.utf8 {
      run = (c >= 48 && c <= 57) || (c >= 97 && c <= 102) ? run + 1 : 0
      if run >= 64 { return true }
    }
    return false
  }
}
