import Foundation
import Harness
import WorkbookKit
import Judge

/// How many hints of each exercise have been shown, so each `workbook hint`
/// gives one more.
///
/// Kept in .build/workbook-hints.json under the package root: .build/ is
/// already ignored by git, so the count never ends up in a commit, and
/// `swift package clean` starting the hints over is a fair side effect.
struct HintLog: Codable, Equatable {
  /// "ex1 clipGradNorm" (an exercise and a hint group) → hints shown so far.
  var shown: [String: Int] = [:]

  /// The hint of `group` to show now (0-based) out of `total`, counting it
  /// as shown. Past the last hint it keeps returning the last one.
  mutating func next(for exercise: Exercise, group: String, total: Int) -> Int {
    let key = "\(exercise.name) \(group)"
    let count = min(shown[key, default: 0] + 1, total)
    shown[key] = count
    return max(count - 1, 0)
  }

  mutating func reset(_ exercise: Exercise?) {
    if let exercise { shown = shown.filter { !$0.key.hasPrefix(exercise.name + " ") } } else { shown = [:] }
  }
}

/// Reads and writes a `HintLog` file.
struct HintStore {
  var url: URL

  /// .build/workbook-hints.json in the current directory.
  static var standard: HintStore {
    HintStore(
      url: URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        .appendingPathComponent(".build/workbook-hints.json"))
  }

  /// The saved log; an empty one if there is none or it cannot be read (a
  /// lost hint count is not worth an error).
  func load() -> HintLog {
    guard let data = try? Data(contentsOf: url), let log = try? JSONDecoder().decode(HintLog.self, from: data) else {
      return HintLog()
    }
    return log
  }

  /// - Throws: `CommandFailure` if the folder or file cannot be written.
  func save(_ log: HintLog) throws {
    do {
      try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
      let encoder = JSONEncoder()
      encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
      try encoder.encode(log).write(to: url, options: .atomic)
    } catch {
      throw CommandFailure("could not save the hint count to \(url.path): \(error.localizedDescription)")
    }
  }
}
