import Foundation
import Testing
@testable import WorkbookKit
@testable import StudentCommands
@testable import InstructorCommands
@testable import WorkbookCommand
@testable import Judge
import Harness

@Suite("workbook reset")
struct ResetTests {
  /// A handout to reset in, with exercise 3 edited.
  static func edited() throws -> (folder: URL, file: URL, stub: Data) {
    let folder = try DemoFixture.temporaryDirectory().appendingPathComponent("copy")
    try Handout(root: DemoFixture.packageRoot).write(to: folder)
    let file = folder.appendingPathComponent(Exercise.ex3.sourceFile)
    let stub = try Data(contentsOf: file)
    try Data("// my work in progress\n".utf8).write(to: file)
    return (folder, file, stub)
  }

  static func command(_ folder: URL, yes: Bool, answer: String? = nil, terminal: Bool = false) -> ResetCommand {
    var command = ResetCommand(options: ResetOptions(exercise: .ex3, yes: yes))
    command.root = folder
    command.console = Console(paint: Paint(enabled: false), width: 80, interactive: false)
    command.readAnswer = { answer }
    command.inputIsTerminal = terminal
    return command
  }

  @Test("--yes keeps the student's file under .build/workbook-backups and puts the stub back")
  func resetWithYes() throws {
    let (folder, file, stub) = try Self.edited()
    #expect(try Self.command(folder, yes: true).run() == .success)
    #expect(try Data(contentsOf: file) == stub)
    let backups = folder.appendingPathComponent(ResetCommand.backups)
    let kept = try FileManager.default.contentsOfDirectory(atPath: backups.path)
    #expect(kept.count == 1 && kept[0].hasPrefix("ex3-"))
    #expect(try String(contentsOf: backups.appendingPathComponent(kept[0]), encoding: .utf8) == "// my work in progress\n")
  }

  @Test("Without --yes it asks, and anything but yes changes nothing")
  func asks() throws {
    let (folder, file, stub) = try Self.edited()
    #expect(try Self.command(folder, yes: false, answer: "n", terminal: true).run() == .success)
    #expect(try Data(contentsOf: file) != stub)
    #expect(try Self.command(folder, yes: false, answer: "y", terminal: true).run() == .success)
    #expect(try Data(contentsOf: file) == stub)
  }

  @Test("Without --yes and without a terminal to ask on, it refuses and changes nothing")
  func noTerminal() throws {
    let (folder, file, stub) = try Self.edited()
    #expect(throws: CommandFailure.self) { try Self.command(folder, yes: false).run() }
    #expect(try Data(contentsOf: file) != stub)
    #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent(ResetCommand.backups).path))
  }

  @Test("A file that is already the stub is left alone")
  func alreadyStub() throws {
    let (folder, file, stub) = try Self.edited()
    try stub.write(to: file)
    #expect(try Self.command(folder, yes: true).run() == .success)
    #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent(ResetCommand.backups).path))
  }
}
