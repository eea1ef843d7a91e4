import Foundation
import Harness
import WorkbookKit
import Judge
import StudentCommands

#if !WORKBOOK_HANDOUT
  import AnswerKey
#endif

/// A student's copy of the workbook: everything but the answers.
///
/// Left out: Solutions/, the answer key that runs them and the known
/// mistakes (Sources/AnswerKey), and every test that holds the reference or
/// a near copy of it (Tests/JudgeTests, the fixture runner, the workbook
/// command's tests, which run the reference demos), plus the benchmark
/// scripts and the CI script. Package.swift sees that Solutions/ is
/// missing and builds without them.
///
/// Added: the answer key's answers for the public scenarios, as data
/// (`.workbook/answers/`), which the copy's judge grades with; and a
/// pristine copy of each exercise file under `.workbook/stubs/`, which
/// `workbook reset` restores from. Its README describes the copy
/// (`HandoutReadme`).
struct Handout {
  /// What a handout holds, relative to the workbook's folder.
  static let included = ["Package.swift", "README.md", ".gitignore", "Exercises", "Sources", "Tests", "docs"]
  /// What it leaves out of those.
  static let excluded: Set<String> = [
    "Sources/AnswerKey", "Tests/JudgeTests", "Tests/GradingFixture", "Tests/WorkbookTests",
  ]
  /// Where a handout keeps its pristine exercise files.
  static let stubsFolder = StudentCopy.stubsFolder

  var root: URL

  /// Writes the handout into `destination`, a folder that must not exist
  /// yet (or be empty) and whose parent must exist.
  ///
  /// - Returns: the files written, relative to `destination`.
  @discardableResult
  func write(to destination: URL) throws -> [String] {
    try OutputFolder.checkNew(destination, what: "the handout")
    let manager = FileManager.default
    var written: [String] = []
    for item in Self.included {
      let source = root.appendingPathComponent(item)
      guard manager.fileExists(atPath: source.path) else { continue }
      written += try copy(item, from: root, to: destination)
    }
    for exercise in Exercise.allCases {
      let target = destination.appendingPathComponent(Self.stubsFolder).appendingPathComponent(exercise.sourceFile)
      try manager.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
      try manager.copyItem(at: root.appendingPathComponent(exercise.sourceFile), to: target)
      written.append(Self.stubsFolder + "/" + exercise.sourceFile)
    }
    written += try Self.writeAnswers(to: destination.appendingPathComponent(AnswerData.folder))
      .map { AnswerData.folder + "/" + $0 }
    let readme = destination.appendingPathComponent("README.md")
    if let text = try? String(contentsOf: readme, encoding: .utf8) {
      try HandoutReadme.text(from: text).write(to: readme, atomically: true, encoding: .utf8)
    }
    return written
  }

  /// The answers for the public scenarios, which only the full workbook's
  /// key can write.
  static func writeAnswers(to folder: URL) throws -> [String] {
    #if WORKBOOK_HANDOUT
      throw CommandFailure("a student's copy has no answer key to make another copy from: run handout in the full workbook")
    #else
      return try AnswerWriter.write(to: folder, seeds: .public)
    #endif
  }

  /// Copies `item` (a file or a folder) and what it holds, skipping build
  /// products and the excluded paths.
  private func copy(_ item: String, from root: URL, to destination: URL) throws -> [String] {
    let manager = FileManager.default
    let source = root.appendingPathComponent(item)
    var isFolder: ObjCBool = false
    let exists = manager.fileExists(atPath: source.path, isDirectory: &isFolder)
    guard exists, isFolder.boolValue else {
      let target = destination.appendingPathComponent(item)
      try manager.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
      try manager.copyItem(at: source, to: target)
      return [item]
    }
    var written: [String] = []
    for name in try manager.contentsOfDirectory(atPath: source.path).sorted() {
      let path = item + "/" + name
      if Self.excluded.contains(path) || name.hasPrefix(".build") || name == ".DS_Store" { continue }
      written += try copy(path, from: root, to: destination)
    }
    return written
  }
}

/// Checks on a folder a command is about to create, made before any work.
enum OutputFolder {
  /// `folder` must not exist (or be an empty folder), and its parent must
  /// exist: a typo in the path should not create folders behind the user's
  /// back, nor mix a new copy into an old one.
  static func checkNew(_ folder: URL, what: String) throws {
    let manager = FileManager.default
    let parent = folder.deletingLastPathComponent()
    var isFolder: ObjCBool = false
    guard manager.fileExists(atPath: parent.path, isDirectory: &isFolder), isFolder.boolValue else {
      throw CommandFailure("cannot write \(what) to \(folder.path): the folder \(parent.path) does not exist")
    }
    if manager.fileExists(atPath: folder.path, isDirectory: &isFolder) {
      let empty = isFolder.boolValue && ((try? manager.contentsOfDirectory(atPath: folder.path))?.isEmpty ?? false)
      guard empty else {
        throw CommandFailure("cannot write \(what) to \(folder.path): it already exists; name a new folder")
      }
    }
    guard manager.isWritableFile(atPath: parent.path) else {
      throw CommandFailure("cannot write \(what) to \(folder.path): the folder \(parent.path) is not writable")
    }
  }
}
