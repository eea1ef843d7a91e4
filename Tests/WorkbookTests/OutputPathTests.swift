import Foundation
import Testing
@testable import WorkbookKit
@testable import StudentCommands
@testable import InstructorCommands
@testable import WorkbookCommand
@testable import Judge
import Harness

/// Report files are checked before anything is graded, with a plain reason.
@Suite("Output paths")
struct OutputPathTests {
  static let folder = FileManager.default.temporaryDirectory.appendingPathComponent("output-\(UUID().uuidString)")

  init() throws {
    try FileManager.default.createDirectory(at: Self.folder, withIntermediateDirectories: true)
    try Data("x".utf8).write(to: Self.folder.appendingPathComponent("a-file"))
  }

  @Test(
    "A path that cannot be written says why in one line",
    arguments: [
      ("r/x.json", "cannot write r/x.json: the folder r does not exist"),
      ("-", "cannot write -: give a file name (this option cannot write to standard output)"),
      ("", "cannot write : the file name is empty"),
    ])
  func plainReasons(_ path: String, _ message: String) {
    #expect(throws: CommandFailure(message)) { try OutputPath.checked(path) }
  }

  @Test("A folder, or a file used as a folder, is refused")
  func folders() {
    let folder = Self.folder.path
    #expect(throws: CommandFailure("cannot write \(folder): it is a folder; give a file name")) {
      try OutputPath.checked(folder)
    }
    let file = Self.folder.appendingPathComponent("a-file").path
    #expect(throws: CommandFailure("cannot write \(file)/x.json: \(file) is a file, not a folder")) {
      try OutputPath.checked(file + "/x.json")
    }
  }

  @Test("A writable path passes, and checking it leaves nothing behind")
  func writable() throws {
    let path = Self.folder.appendingPathComponent("results.json").path
    #expect(try OutputPath.checked(path) == path)
    #expect(!FileManager.default.fileExists(atPath: path))
    try OutputPath.write(Data("{}".utf8), to: path)
    #expect(try OutputPath.checked(path) == path)
    #expect(FileManager.default.contents(atPath: path) == Data("{}".utf8))
  }

  @Test("No folder is created along the way")
  func noFolders() {
    let path = Self.folder.appendingPathComponent("new/deeper/x.xml").path
    #expect(throws: CommandFailure.self) { try OutputPath.write(Data(), to: path) }
    #expect(!FileManager.default.fileExists(atPath: Self.folder.appendingPathComponent("new").path))
  }

  @Test(
    "grade refuses a bad --json or --junit before grading, with exit code 1",
    arguments: [["--json", "no-such-folder/results.json"], ["--junit", "no-such-folder/junit.xml"]])
  func gradeRefusesFirst(_ options: [String]) {
    var written: [String] = []
    let started = Date()
    #expect(WorkbookCommand.run(["grade"] + options, width: 80, errorLine: { written.append($0) }) == .failure)
    #expect(
      written.joined(separator: " ") == "error: cannot write \(options[1]): the folder no-such-folder does not exist")
    // Grading builds the runners first: seconds at the least.
    #expect(Date().timeIntervalSince(started) < 1)
  }
}
