import Foundation
import Testing
@testable import WorkbookKit
@testable import StudentCommands
@testable import InstructorCommands
@testable import WorkbookCommand
@testable import Judge
import Harness

@Suite("Watching for changes")
struct WatchTests {
  private static func stamp(_ seconds: Double, size: Int = 10) -> WatchSnapshot.Stamp {
    WatchSnapshot.Stamp(modified: Date(timeIntervalSince1970: seconds), size: size)
  }

  static let before = WatchSnapshot(files: [
    "Exercises/ex1-norm-clipping/NormClipping.swift": stamp(1),
    "Exercises/ex2-value-clipping/ValueClipping.swift": stamp(1),
  ])

  @Test("An unchanged tree has no changes")
  func unchanged() {
    #expect(WatchSnapshot.changes(from: Self.before, to: Self.before).isEmpty)
  }

  @Test(
    "A new time, a new size, an added or a removed file is a change",
    arguments: [
      ("Exercises/ex1-norm-clipping/NormClipping.swift", Optional(stamp(2))),
      ("Exercises/ex1-norm-clipping/NormClipping.swift", Optional(stamp(1, size: 11))),
      ("Exercises/ex3-gradient-accumulation/Helper.swift", Optional(stamp(1))),
      ("Exercises/ex2-value-clipping/ValueClipping.swift", nil),
    ])
  func detected(_ path: String, _ stamp: WatchSnapshot.Stamp?) {
    var after = Self.before
    after.files[path] = stamp
    #expect(WatchSnapshot.changes(from: Self.before, to: after) == [path])
  }

  @Test(
    "A change re-grades its exercise, and exercise 1 also exercise 4",
    arguments: [
      (["Exercises/ex2-value-clipping/ValueClipping.swift"], [Exercise.ex2]),
      (["Exercises/ex1-norm-clipping/NormClipping.swift"], [.ex1, .ex4]),
      (
        ["Exercises/ex3-gradient-accumulation/A.swift", "Exercises/ex4-accumulation-and-clipping/B.swift"],
        [.ex3, .ex4]
      ),
      (["Exercises/Shared.swift"], Exercise.allCases),
    ])
  func affected(_ changes: [String], _ exercises: [Exercise]) {
    #expect(WatchSnapshot.affected(by: changes) == exercises)
  }

  @Test("A snapshot sees Swift files only, by path from the package root")
  func takesSnapshot() throws {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("watch-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: root) }
    let folder = root.appendingPathComponent("Exercises/ex1-norm-clipping")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    for name in ["NormClipping.swift", "README.md", ".NormClipping.swift.swp"] {
      try Data("x".utf8).write(to: folder.appendingPathComponent(name))
    }
    let snapshot = WatchSnapshot.take(root: root)
    #expect(Array(snapshot.files.keys) == ["Exercises/ex1-norm-clipping/NormClipping.swift"])

    try Data("longer".utf8).write(to: folder.appendingPathComponent("NormClipping.swift"))
    #expect(
      WatchSnapshot.changes(from: snapshot, to: WatchSnapshot.take(root: root)) == [
        "Exercises/ex1-norm-clipping/NormClipping.swift"
      ])
  }

  @Test("Compile errors are picked out of the build log with their excerpt")
  func buildErrors() {
    let log = """
      [0/1] Planning build
      Building for debugging...
      /pkg/Exercises/ex2-value-clipping/ValueClipping.swift:91:17: error: cannot find 'vectr' in scope
       89 |   let byNorm = vector.map { $0 * factor }
       91 |   let byValue = vectr.map { min(max($0, -clipValue), clipValue) }
          |                 `- error: cannot find 'vectr' in scope
      [3/5] Emitting module Exercise2
      /pkg/Exercises/ex2-value-clipping/ValueClipping.swift:91:17: error: cannot find 'vectr' in scope
      /pkg/Exercises/ex1-norm-clipping/NormClipping.swift:3:1: error: expected declaration
      """
    let errors = BuildLog.errors(in: log, root: "/pkg")
    #expect(errors.count == 2)
    #expect(errors[0].first == "Exercises/ex2-value-clipping/ValueClipping.swift:91:17: error: cannot find 'vectr' in scope")
    #expect(errors[0].count == 4)
    #expect(errors[1] == ["Exercises/ex1-norm-clipping/NormClipping.swift:3:1: error: expected declaration"])
  }

  @Test("The watch screen shows every exercise and every failing check with its diagnosis")
  func screen() {
    let lines = WatchCommand.screen(ReportFixtures.all, paint: Paint(enabled: false), width: 80)
    #expect(lines[0] == "  ✓ ex1 2/2   ✗ ex2 1/4   ○ ex3 0/1     1 of 3 done")
    #expect(lines.contains("✗ ex2  Gradient clipping by value  1 of 4 checks pass."))
    #expect(lines.contains(#"  ✗ Check b <&> "quoted""#))
    #expect(lines.contains("      expected 1 < 2 & 3 > 2"))
    #expect(lines.contains(#"  ✗ Check c <&> "quoted"  (crashed)"#))
    #expect(lines.contains { $0.contains("Your code crashed") })
    #expect(lines.contains(#"  ✗ Check d <&> "quoted"  (timed out)"#))
    #expect(lines.contains("      still running after 30 s"))
    #expect(!lines.contains(#"  ✓ Check a <&> "quoted""#), "a passing check is only counted")
    #expect(lines.contains("  Stuck?   swift run workbook hint ex2"))
  }

  @Test("Every exercise in progress shows its failures, one not compiling its errors")
  func severalExercises() {
    let reports = [
      ReportFixtures.exercise(.ex1, passing: 1, of: 3), ReportFixtures.failing, ReportFixtures.notStarted,
      ReportFixtures.unbuildable,
    ]
    let lines = WatchCommand.screen(reports, paint: Paint(enabled: false), width: 80)
    #expect(lines.contains("✗ ex1  Gradient clipping by norm  1 of 3 checks pass."))
    #expect(lines.filter { $0 == "  ✗ Check c2 <&> \"quoted\"" }.count == 1)
    #expect(lines.filter { $0 == "  ✗ Check c3 <&> \"quoted\"" }.count == 1)
    #expect(lines.contains("✗ ex2  Gradient clipping by value  1 of 4 checks pass."))
    #expect(lines.contains { $0.hasPrefix("✗ ex4") && $0.contains("does not compile") })
    #expect(!lines.contains { $0.hasPrefix("○ ex3") }, "a stub is in the summary row while others are in progress")
  }

  @Test("With nothing started, the first exercise's state is shown")
  func nothingStarted() {
    let stub = ExerciseReport(
      exercise: .ex1,
      results: [ReportFixtures.result(.ex1, "a", .notImplemented, "not implemented yet: fill in TODO(ex1)")])
    let lines = WatchCommand.screen([stub, ReportFixtures.notStarted], paint: Paint(enabled: false), width: 80)
    #expect(lines.contains { $0.hasPrefix("○ ex1") })
    #expect(!lines.contains { $0.hasPrefix("○ ex3") })
  }

  @Test("On a terminal each result redraws the screen; in a pipe results are appended")
  func redraws() {
    let lines = ["Gradient Workbook", "  ✗ ex1 0/1"]
    let screen = WatchCommand.frame(lines, redraw: true, first: false)
    #expect(screen == "\u{1B}[H\u{1B}[2J\u{1B}[3J" + "Gradient Workbook\n  ✗ ex1 0/1\n")
    #expect(WatchCommand.frame(lines, redraw: true, first: true) == screen)
    #expect(WatchCommand.frame(lines, redraw: false, first: true) == "Gradient Workbook\n  ✗ ex1 0/1\n")
    let appended = WatchCommand.frame(lines, redraw: false, first: false)
    #expect(appended == "\nGradient Workbook\n  ✗ ex1 0/1\n")
    #expect(!appended.contains("\u{1B}"), "no escape codes in a log")
  }
}
