import Foundation
import Testing
@testable import WorkbookKit
@testable import StudentCommands
@testable import InstructorCommands
@testable import WorkbookCommand
@testable import Judge
import Harness

@Suite("Terminal output")
struct TerminalOutputTests {
  /// Collects what a `TerminalDemoOutput` writes.
  final class Recorder: @unchecked Sendable {
    var text = ""
    func write(_ piece: String) { text += piece }
  }

  @Test("On a terminal, progress is rewritten in place and a line ends it")
  func interactiveProgress() {
    let recorder = Recorder()
    let output = TerminalDemoOutput(interactive: true, write: recorder.write)
    output.progress("step 1")
    output.progress("step 2")
    output.line("done")
    #expect(recorder.text == "\r\u{1B}[2Kstep 1\r\u{1B}[2Kstep 2\r\u{1B}[2Kdone\n")
  }

  @Test("In a log, every Nth progress line is kept, and the last before a line")
  func plainProgress() {
    let recorder = Recorder()
    let output = TerminalDemoOutput(interactive: false, plainEvery: 3, write: recorder.write)
    for step in 1...7 { output.progress("step \(step)") }
    output.line("done")
    #expect(recorder.text == "step 1\nstep 3\nstep 6\nstep 7\ndone\n")
  }

  @Test("finish() ends a progress line left on screen")
  func finish() {
    let recorder = Recorder()
    let output = TerminalDemoOutput(interactive: true, write: recorder.write)
    output.progress("step 9")
    output.finish()
    #expect(recorder.text.hasSuffix("step 9\n"))
  }

  @Test(
    "Colours follow the flag first, then NO_COLOR",
    arguments: [(Optional(true), ["NO_COLOR": "1"], true), (Optional(false), [:], false), (nil, ["NO_COLOR": "1"], false)])
  func colorDecision(_ override: Bool?, _ environment: [String: String], _ expected: Bool) {
    #expect(Terminal.useColor(override: override, environment: environment) == expected)
  }

  @Test("Paint adds escape codes only when enabled")
  func paint() {
    #expect(Paint(enabled: true).green("✓") == "\u{1B}[32m✓\u{1B}[0m")
    #expect(Paint(enabled: false).green("✓") == "✓")
  }

  @Test(
    "Wrapping breaks at spaces and indents the following lines",
    arguments: [
      ("one two three four", 9, 2, ["one two", "  three", "  four"]),
      ("a-very-long-path/with/no/spaces ok", 10, 0, ["a-very-long-path/with/no/spaces", "ok"]),
      ("first\nsecond", 80, 4, ["first", "    second"]),
      // Columns, not characters: each of these takes two.
      ("日本 語の 文", 7, 0, ["日本", "語の 文"]),
    ])
  func wrap(_ text: String, _ width: Int, _ indent: Int, _ lines: [String]) {
    #expect(TextWrap.wrap(text, width: width, indent: indent, firstIndent: 0) == lines)
  }
}

@Suite("What to do next")
struct NextStepTests {
  @Test("The list shows every exercise, the count done and the next step")
  func list() {
    let lines = ListCommand.render(ReportFixtures.all, paint: Paint(enabled: false), width: 80)
    #expect(lines[0] == "Gradient Workbook: 1 of 3 exercises done")
    #expect(lines[2] == "  ✓ ex1  Gradient clipping by norm                2/2 checks   passed")
    #expect(lines[3] == "  ✗ ex2  Gradient clipping by value               1/4 checks   failing")
    #expect(lines[4] == "  ○ ex3  Gradient accumulation with loss scaling  0/1 checks   not started")
    #expect(lines[6] == "Next: ex2, Gradient clipping by value")
    #expect(lines.contains("  Stuck?   swift run workbook hint ex2"))
  }

  @Test("The next step points at the first TODO of the first unfinished exercise")
  func todoLocation() throws {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("next-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: root) }
    let file = root.appendingPathComponent(Exercise.ex3.sourceFile)
    try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
    try Data("import Autograd\n\n  // TODO(ex3): scale each loss.\n".utf8).write(to: file)
    let next = try #require(NextStep([ReportFixtures.passing, ReportFixtures.notStarted], root: root))
    #expect(next.exercise == .ex3)
    #expect(next.location == Exercise.ex3.sourceFile + ":3")
    #expect(next.todo == "TODO(ex3): scale each loss.")
  }

  @Test("Nothing is next when every exercise passes")
  func allDone() {
    #expect(NextStep([ReportFixtures.passing]) == nil)
  }

  @Test("Checking all shows a passing exercise in one line and a stub in two")
  func overview() {
    let paint = Paint(enabled: false)
    #expect(
      ReportText.overview(ReportFixtures.passing, paint: paint, width: 80) == [
        "✓ ex1  Gradient clipping by norm  All 2 checks pass."
      ])
    #expect(
      ReportText.overview(ReportFixtures.notStarted, paint: paint, width: 80) == [
        "○ ex3  Gradient accumulation with loss scaling  not started",
        "    not implemented yet: fill in TODO(ex3)",
      ])
  }

  @Test("A crashed check is labelled, and a repeated diagnosis is shown once")
  func detailed() {
    let report = ExerciseReport(
      exercise: .ex2,
      results: [
        ReportFixtures.result(.ex2, "a", .crashed, "boom"), ReportFixtures.result(.ex2, "b", .crashed, "boom"),
      ])
    let lines = ReportText.detailed(report, paint: Paint(enabled: false), width: 80)
    #expect(
      lines == [
        "✗ ex2  Gradient clipping by value",
        #"  ✗ Check a <&> "quoted"  (crashed)"#,
        "      boom",
        #"  ✗ Check b <&> "quoted"  (crashed)"#,
        "  0 of 2 checks pass.",
      ])
  }

  @Test("A mistake that fails several checks is explained under the first and named under the others")
  func mistakeOnce() {
    let paragraph = "At optimizer step 1, every gradient was there but exactly 0. That is what happens when …"
    let report = ExerciseReport(
      exercise: .ex3,
      results: [
        ReportFixtures.result(.ex3, "a", .failed, paragraph + " [scenario 1]", mistake: .weightFromIntegerDivision),
        ReportFixtures.result(.ex3, "b", .passed),
        ReportFixtures.result(.ex3, "c", .failed, paragraph + " [scenario 2]", mistake: .weightFromIntegerDivision),
        ReportFixtures.result(.ex3, "d", .failed, "another slip", mistake: .lossNotDivided),
      ])
    let lines = ReportText.detailed(report, paint: Paint(enabled: false), width: 200)
    #expect(lines.filter { $0.contains(paragraph) }.count == 1)
    #expect(lines.contains("      The same as above: the mistake “A weight of 0 from integer division”."))
    #expect(lines.contains("      another slip"))
  }
}
