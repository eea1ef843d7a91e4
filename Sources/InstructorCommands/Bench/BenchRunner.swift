import Harness
import Judge
import StudentCommands
import WorkbookKit
import Foundation

/// Times a workload: warm-up steps, then each timed step on its own, and
/// the median, which a stray slow step (a page fault, another process)
/// cannot move the way it moves a mean.
struct BenchRunner {
  var steps: Int
  var warmup = 20

  /// Milliseconds of each timed step of one run.
  func time(_ step: () throws -> Void) throws -> [Double] {
    for _ in 0..<warmup { try step() }
    var times: [Double] = []
    times.reserveCapacity(steps)
    for _ in 0..<steps {
      let start = DispatchTime.now().uptimeNanoseconds
      try step()
      times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
    }
    return times
  }

  /// The middle value; the mean of the two middle values for an even count.
  static func median(_ values: [Double]) -> Double {
    guard !values.isEmpty else { return .nan }
    let sorted = values.sorted()
    let middle = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
  }
}

/// How this binary was built, for the benchmark's header.
enum BuildInfo {
  /// "debug" or "release": SwiftPM defines DEBUG in debug builds. The
  /// engine is compiled with -O in both (see Package.swift).
  static var configuration: String {
    #if DEBUG
      return "debug"
    #else
      return "release"
    #endif
  }

  /// Whether Package.swift compiled the engine for AVX2 and FMA
  /// (-target-cpu haswell); Package.swift defines the same flag here.
  static var fusedMultiplyAdd: Bool {
    #if WORKBOOK_FMA
      return true
    #else
      return false
    #endif
  }
}
