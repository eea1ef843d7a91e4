import Autograd
import Datasets
import Foundation
import Grading

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
      Forgery.print(to: [1])
      return []
    },
    "forged-every-fd": { _, _, _, _, _ in
      Forgery.print(to: Array(1...64))
      return []
    },
    "forged-then-exit-0": { _, _, _, _, _ in
      Forgery.print(to: [1, 2])
      exit(0)
    },
    "forged-then-_exit-3": { _, _, _, _, _ in
      Forgery.print(to: [1, 2])
      _exit(3)
    },
    "forged-later-in-background": { _, _, _, _, _ in
      // A process of its own that writes the forged lines once the check
      // is over, on the same standard output.
      let lines = Forgery.lines.joined(separator: "\n")
      let process = Process()
      process.executableURL = URL(fileURLWithPath: "/bin/sh")
      process.arguments = ["-c", "sleep 0.3; printf '%s\\n' \"$0\"", lines]
      try? process.run()
      return []
    },
    "forged-at-exit": { _, _, _, _, _ in
      atexit { Forgery.print(to: [1]) }
      return []
    },
    "forged-with-what-it-can-read": { _, _, _, _, _ in
      // Everything the code can reach: standard input, its arguments and
      // environment. None of it holds the key.
      var found = Array((FileManager.default.contents(atPath: "/proc/self/fd/0") ?? Data()))
      found += Array(CommandLine.arguments.joined().utf8)
      found += Array(ProcessInfo.processInfo.environment.values.joined().utf8)
      for key in [found, Array(found.prefix(32)), []] {
        Forgery.print(to: [1], signer: ReportSigner(key: key))
      }
      return []
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

/// Report lines a student's code could write: every check of exercise 3
/// "passed", in the protocol's own format, with made-up tags.
enum Forgery {
  static let lines: [String] = Grader.checks(.ex3).flatMap { check -> [String] in
    let result = CheckResult(exercise: .ex3, check: check.id, title: check.title, status: .passed, message: "ok")
    let json = String(decoding: (try? JSONEncoder().encode(result)) ?? Data(), as: UTF8.self)
    let fakeTag = String(repeating: "ab", count: 32)
    return [
      IsolatedGrading.runningMarker + check.id,
      IsolatedGrading.resultMarker + json,
      IsolatedGrading.runningMarker + fakeTag + " " + check.id,
      IsolatedGrading.resultMarker + fakeTag + " " + json,
    ]
  }

  /// Writes the forged lines to each of `descriptors` (those that are
  /// open), each starting on a fresh line; with `signer`, tagged with its
  /// key.
  static func print(to descriptors: [Int32], signer: ReportSigner? = nil) {
    var text = "\n" + lines.joined(separator: "\n") + "\n"
    if let signer {
      text = "\n" + Grader.checks(.ex3).map { check in
        let result = CheckResult(exercise: .ex3, check: check.id, title: check.title, status: .passed, message: "ok")
        let json = String(decoding: (try? JSONEncoder().encode(result)) ?? Data(), as: UTF8.self)
        return signer.line(IsolatedGrading.runningMarker, check.id) + "\n"
          + signer.line(IsolatedGrading.resultMarker, json)
      }.joined(separator: "\n") + "\n"
    }
    let bytes = Array(text.utf8)
    for fd in descriptors { _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) } }
  }
}
