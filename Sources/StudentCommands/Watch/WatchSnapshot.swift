import Foundation
import Harness
import WorkbookKit
import Judge

/// The Swift files under Exercises/ with their modification time and size,
/// compared between polls to see what changed.
///
/// Polling every second works on every file system (network drives, Docker
/// mounts, WSL) where change notifications do not; a few dozen `stat`s a
/// second cost nothing.
struct WatchSnapshot: Equatable {
  struct Stamp: Equatable {
    var modified: Date
    var size: Int
  }

  /// Path relative to the package root ("Exercises/ex1-…/NormClipping.swift").
  var files: [String: Stamp]

  init(files: [String: Stamp]) { self.files = files }

  /// Reads the tree under `folder` (relative to `root`). Hidden files and
  /// anything but .swift (editor swap files, the guides) are left out:
  /// only Swift files change what the binary does.
  static func take(folder: String = "Exercises", root: URL) -> WatchSnapshot {
    var files: [String: Stamp] = [:]
    let base = root.appendingPathComponent(folder)
    let keys: [URLResourceKey] = [.contentModificationDateKey, .fileSizeKey, .isRegularFileKey]
    guard
      let enumerator = FileManager.default.enumerator(
        at: base, includingPropertiesForKeys: keys, options: [.skipsHiddenFiles])
    else { return WatchSnapshot(files: [:]) }
    let prefix = base.standardizedFileURL.path
    for case let url as URL in enumerator where url.pathExtension == "swift" {
      guard let values = try? url.resourceValues(forKeys: Set(keys)), values.isRegularFile == true else { continue }
      let relative = folder + url.standardizedFileURL.path.dropFirst(prefix.count)
      files[relative] = Stamp(modified: values.contentModificationDate ?? .distantPast, size: values.fileSize ?? 0)
    }
    return WatchSnapshot(files: files)
  }

  /// The paths added, removed or modified from `old` to `new`, sorted.
  static func changes(from old: WatchSnapshot, to new: WatchSnapshot) -> [String] {
    let paths = Set(old.files.keys).union(new.files.keys)
    return paths.filter { old.files[$0] != new.files[$0] }.sorted()
  }

  /// The exercises to re-grade after `changes`: the ones whose folder
  /// changed, plus exercise 4 when exercise 1 did (it calls exercise 1's
  /// `clipGradNorm`). A change outside any exercise folder re-grades all.
  static func affected(by changes: [String]) -> [Exercise] {
    var exercises = Set<Exercise>()
    for path in changes {
      let parts = path.split(separator: "/")
      guard parts.count >= 2, let exercise = Exercise.allCases.first(where: { $0.folder == parts[1] }) else {
        return Exercise.allCases
      }
      exercises.insert(exercise)
      if exercise == .ex1 { exercises.insert(.ex4) }
    }
    return exercises.sorted()
  }
}
