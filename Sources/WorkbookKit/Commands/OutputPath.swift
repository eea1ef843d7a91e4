import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A file a command was asked to write (`grade --json FILE`, `--junit FILE`;
/// `run --svg FILE`, `--csv FILE`), checked before the work that produces
/// it, so a bad path costs a one-line error at once, not after the whole
/// run.
///
/// Folders are never created: a missing one is more often a typo than a
/// wish. Every problem is a `CommandFailure` (exit code 1) whose message
/// reads "cannot write r/x.json: the folder r does not exist".
///
///     let json = try OutputPath.checked(options.jsonPath)   // before grading
///     …
///     try OutputPath.write(data, to: json)                  // after
public enum OutputPath {
  /// Checks that `path` can be written: its folder exists and is writable,
  /// and the path is not a folder itself (nor, if the file exists, a file
  /// that may not be written).
  ///
  /// - Returns: `path` itself, for `let file = try OutputPath.checked(…)`.
  /// - Throws: `CommandFailure` saying what is wrong with it.
  @discardableResult
  public static func checked(_ path: String) throws -> String {
    if let problem = problem(with: path) { throw CommandFailure("cannot write \(path): \(problem)") }
    return path
  }

  /// `checked` for an optional option value: nil stays nil.
  public static func checked(_ path: String?) throws -> String? {
    try path.map { try checked($0) }
  }

  /// Writes `data` to `path`, whole or not at all (a temporary file renamed
  /// into place).
  ///
  /// - Throws: `CommandFailure` with the reason in plain words, never
  ///   Foundation's "The operation could not be completed".
  public static func write(_ data: Data, to path: String) throws {
    do {
      try data.write(to: URL(fileURLWithPath: path), options: .atomic)
    } catch {
      throw CommandFailure("cannot write \(path): \(problem(with: path) ?? reason(error))")
    }
  }

  /// What stops `path` from being written, as a clause; nil when nothing
  /// seen beforehand does.
  public static func problem(with path: String) -> String? {
    let manager = FileManager.default
    if path.isEmpty { return "the file name is empty" }
    if path == "-" { return "give a file name (this option cannot write to standard output)" }
    var isFolder: ObjCBool = false
    let exists = manager.fileExists(atPath: path, isDirectory: &isFolder)
    if path.hasSuffix("/") || (exists && isFolder.boolValue) { return "it is a folder; give a file name" }
    let folder = (path as NSString).deletingLastPathComponent
    let shownFolder = folder.isEmpty ? "." : folder
    var folderIsFolder: ObjCBool = false
    if !folder.isEmpty {
      guard manager.fileExists(atPath: folder, isDirectory: &folderIsFolder) else {
        return "the folder \(folder) does not exist"
      }
      guard folderIsFolder.boolValue else { return "\(folder) is a file, not a folder" }
    }
    if exists {
      guard manager.isWritableFile(atPath: path) else { return "the file may not be written (its permissions)" }
    } else {
      guard manager.isWritableFile(atPath: shownFolder) else { return "the folder \(shownFolder) may not be written to" }
    }
    return probe(path, exists: exists)
  }

  /// Opens `path` for writing without changing it (an existing file is not
  /// truncated; a new one is removed again), which finds what permissions
  /// alone do not: a read-only disk, a folder only root seems to write.
  private static func probe(_ path: String, exists: Bool) -> String? {
    let descriptor = exists ? open(path, O_WRONLY) : open(path, O_WRONLY | O_CREAT | O_EXCL, 0o644)
    guard descriptor >= 0 else { return String(cString: strerror(errno)) }
    close(descriptor)
    if !exists { unlink(path) }
    return nil
  }

  /// The operating system's words for a failed write, when Foundation
  /// kept them.
  private static func reason(_ error: Error) -> String {
    if let underlying = (error as NSError).userInfo[NSUnderlyingErrorKey] as? Error,
      (underlying as NSError).domain == NSPOSIXErrorDomain
    {
      return String(cString: strerror(Int32((underlying as NSError).code)))
    }
    if let code = (error as? CocoaError)?.code, code == .fileWriteOutOfSpace { return "the disk is full" }
    return "the file could not be written"
  }
}
