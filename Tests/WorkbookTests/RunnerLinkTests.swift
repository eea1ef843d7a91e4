import Foundation
import Testing

/// A runner holds the student's code, so it links only what the student's
/// process needs: its exercise, the engine, the data sets, the harness and
/// the demos. No judge, no answer key, no instructor's command, no other
/// exercise. Checked on the symbols of the built programs.
@Suite("A runner links only what the student's process needs")
struct RunnerLinkTests {
  /// Symbols (as substrings of their mangled names) no runner may hold.
  static let forbidden = [
    "BenchCommand", "HandoutCommand", "AutograderCommand", "JUnitReport", "GradescopeReport", "$s9AnswerKey",
    "$s5Judge", "$s15StudentCommands", "$s18InstructorCommands",
  ]

  static let folder: URL = {
    URL(
      fileURLWithPath: (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
        ?? CommandLine.arguments[0]
    ).deletingLastPathComponent()
  }()

  static func symbols(_ program: String) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["nm", folder.appendingPathComponent(program).path]
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = FileHandle.nullDevice
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(decoding: data, as: UTF8.self)
  }

  @Test("workbook-exN holds no judge, key, instructor command or other exercise", arguments: 1...5)
  func runner(_ number: Int) throws {
    let symbols = try Self.symbols("workbook-ex\(number)")
    try #require(!symbols.isEmpty, "nm found no symbols in workbook-ex\(number)")
    let others = (1...5).filter { $0 != number }.flatMap { ["9Exercise\($0)", "9Solution\($0)"] }
    for name in Self.forbidden + others {
      #expect(!symbols.contains(name), "workbook-ex\(number) links \(name)")
    }
  }
}
