import Foundation

/// The files a demo writes (`--svg`, `--csv`), checked before any training
/// and written without creating folders.
///
/// A typo in a folder name should cost a second, not a finished demo, and
/// should not leave a new folder behind: so the folder must exist, and the
/// message names what is wrong in one line.
enum OutputFile {
  /// Why `path` cannot be written, or `nil` when it can. Creates nothing.
  static func problem(_ path: String) -> String? {
    let files = FileManager.default
    var isFolder: ObjCBool = false
    if files.fileExists(atPath: path, isDirectory: &isFolder) {
      if isFolder.boolValue { return "it is a folder" }
      return files.isWritableFile(atPath: path) ? nil : "permission denied"
    }
    let parent = (path as NSString).deletingLastPathComponent
    let folder = parent.isEmpty ? "." : parent
    guard files.fileExists(atPath: folder, isDirectory: &isFolder) else {
      return "the folder \(folder) does not exist"
    }
    guard isFolder.boolValue else { return "\(folder) is not a folder" }
    return files.isWritableFile(atPath: folder) ? nil : "the folder \(folder) is not writable"
  }

  /// Throws the one-line error for the first path that cannot be written.
  static func check(_ paths: [String?]) throws {
    for case let path? in paths {
      if let problem = problem(path) { throw CommandFailure("cannot write \(path): \(problem)") }
    }
  }

  /// Writes `text` to `path` (whose folder must exist).
  static func write(_ text: String, to path: String) throws {
    if let problem = problem(path) { throw CommandFailure("cannot write \(path): \(problem)") }
    do {
      try text.write(to: URL(fileURLWithPath: path), atomically: true, encoding: .utf8)
    } catch {
      throw CommandFailure("cannot write \(path): \(problem(path) ?? "the file could not be written")")
    }
  }
}

extension Demos {
  /// Checks that the files `options` asks for can be written, before any
  /// training: a missing folder or an unwritable path throws a
  /// `CommandFailure` such as "cannot write docs/x.svg: the folder docs
  /// does not exist". Creates nothing.
  public static func checkOutputPaths(_ options: DemoOptions) throws {
    try OutputFile.check([options.svgPath, options.csvPath])
  }
}
