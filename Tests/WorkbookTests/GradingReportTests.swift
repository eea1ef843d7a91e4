import Foundation
import Testing
@testable import WorkbookKit
@testable import StudentCommands
@testable import InstructorCommands
@testable import WorkbookCommand
@testable import Judge
import Harness

#if canImport(FoundationXML)
  import FoundationXML
#endif

@Suite("Grading reports for autograders")
struct GradingReportTests {
  @Test(
    "Each exercise scores passed / checks × 25, exactly",
    arguments: [(Exercise.ex1, 25.0), (.ex2, 6.25), (.ex3, 0.0)])
  func score(_ exercise: Exercise, _ points: Double) throws {
    let report = try #require(ReportFixtures.all.first { $0.exercise == exercise })
    #expect(Score.points(report) == points)
  }

  @Test("A check is worth whole eighths of a point, and an exercise's checks add up to exactly 25",
    arguments: [1, 3, 7, 8, 11, 12, 13, 18, 64, 200, 201])
  func eighths(_ checks: Int) {
    let points = (0..<checks).map { Score.points(check: $0, of: checks) }
    #expect(points.reduce(0, +) == 25)
    #expect(points.allSatisfy { ($0 * 8).rounded() == $0 * 8 })
    #expect((points.max() ?? 0) - (points.min() ?? 0) <= 0.125)
  }

  @Test("Every exercise's checks, and the bundle's results.json, add up to exactly 100, and 25 more per optional one")
  func wholeWorkbook() {
    let perExercise = Exercise.allCases.map { exercise -> Double in
      let count = Grader.checks(exercise).count
      return (0..<count).reduce(0) { $0 + Score.points(check: $1, of: count) }
    }
    #expect(perExercise.allSatisfy { $0 == 25 })
    #expect(perExercise.prefix(4).reduce(0, +) == 100)
    let withOptional = 100 + 25 * Double(Exercise.optional.count)
    #expect(perExercise.reduce(0, +) == withOptional)
    let all = ReportFixtures.workbook(Exercise.core.map { Grader.checks($0).count })
    #expect(GradescopeReport(all).tests.reduce(0) { $0 + $1.maxScore } == 100)
  }

  @Test("Points are written exactly", arguments: [(25.0, "25"), (22.75, "22.75"), (2.375, "2.375"), (0.125, "0.125"), (0, "0")])
  func formatPoints(_ points: Double, _ text: String) {
    #expect(Score.format(points) == text)
  }

  /// results.json parsed as plain JSON, the way Gradescope reads it.
  static func gradescopeObject(_ report: GradescopeReport) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: report.json()) as? [String: Any])
  }

  @Test("Gradescope's results.json has a test per check and the top-level fields")
  func gradescopeShape() throws {
    let object = try Self.gradescopeObject(GradescopeReport(ReportFixtures.graded))
    #expect(Set(object.keys) == ["score", "execution_time", "output", "visibility", "stdout_visibility", "tests"])
    #expect(object["score"] as? Double == 31.25)
    // 0.25 + 0.5 + 0.125 + 1 + 30 seconds, in whole seconds.
    #expect(object["execution_time"] as? Int == 32)
    #expect(object["visibility"] as? String == "visible")
    #expect(object["stdout_visibility"] as? String == "visible")

    let tests = try #require(object["tests"] as? [[String: Any]])
    #expect(tests.map { $0["number"] as? String } == ["1.1", "1.2", "2.1", "2.2", "2.3", "2.4", "3.1", "4.1", "4.2"])
    for test in tests {
      #expect(Set(test.keys) == ["name", "number", "score", "max_score", "status", "output", "tags"])
    }
    #expect(tests.map { $0["max_score"] as? Double } == [12.5, 12.5, 6.25, 6.25, 6.25, 6.25, 25, 12.5, 12.5])
    #expect(tests.map { $0["score"] as? Double } == [12.5, 12.5, 6.25, 0, 0, 0, 0, 0, 0])
    #expect(
      tests.map { $0["status"] as? String } == [
        "passed", "passed", "passed", "failed", "failed", "failed", "failed", "failed", "failed",
      ])
    #expect(tests[3]["name"] as? String == #"Check b <&> "quoted""#)
    #expect(tests[2]["tags"] as? [String] == ["ex2", "public"])
    #expect(tests[3]["tags"] as? [String] == ["ex2", "public", "normClipInsteadOfValue"])
    #expect(tests[0]["output"] as? String == "Passed.")
    #expect(tests[3]["output"] as? String == "expected 1 < 2 & 3 > 2\nsecond line with 'quotes'")
    #expect(tests[5]["output"] as? String == "still running after 30 s")
    let unbuilt = try #require(tests[7]["output"] as? String)
    #expect(unbuilt.hasPrefix("Scored 0: the files of ex4 do not compile, so this check did not run."))
    #expect(unbuilt.hasSuffix("\n\nerror: cannot find 'clipped' in scope"))

    let decoded = try JSONDecoder().decode(GradescopeReport.self, from: GradescopeReport(ReportFixtures.graded).json())
    #expect(decoded == GradescopeReport(ReportFixtures.graded))
  }

  @Test("The top-level output sums up each exercise and carries the notes")
  func gradescopeOutput() {
    let lines = GradescopeReport(ReportFixtures.graded).output.split(separator: "\n", omittingEmptySubsequences: false)
    #expect(
      lines == [
        "1 of 4 exercises pass. Score 31.25 / 100.",
        "✓ ex1  Gradient clipping by norm: 25 / 25 (2 of 2 checks)",
        "✗ ex2  Gradient clipping by value: 6.25 / 25 (1 of 4 checks)",
        "○ ex3  Gradient accumulation with loss scaling: 0 / 25 (0 of 1 check)",
        "✗ ex4  Accumulation plus clipping: 0 / 25 (0 of 2 checks)",
        "",
        "Notes (not scored):",
        "- ex3: Graded with the reference exercise 1 & 2.",
      ])
  }

  @Test("Scores in results.json are exact and agree with the table")
  func gradescopeExact() throws {
    // 10 of 11 checks in exercise 3, 7 of 8 in exercise 2.
    let reports = ReportFixtures.workbook([15, 7, 10, 11])
    let report = GradescopeReport(reports)
    let exercise3 = report.tests.filter { $0.number.hasPrefix("3.") }
    #expect(exercise3.count == 11)
    #expect(exercise3.reduce(0) { $0 + $1.maxScore } == 25)
    #expect(report.tests.reduce(0) { $0 + $1.score } == report.score)
    #expect(report.tests.reduce(0) { $0 + $1.maxScore } == 100)
    #expect(report.score == Score.total(reports))
    let table = GradeCommand.table(reports).render()
    #expect(table.contains("\(Score.format(report.score)) / 100"))
    #expect(report.output.contains("Score \(Score.format(report.score)) / 100."))
  }

  @Test("A tampered check scores 0 and says what happened")
  func gradescopeTampered() throws {
    let report = ExerciseReport(
      exercise: .ex1,
      results: [
        ReportFixtures.result(.ex1, "a", .passed),
        ReportFixtures.result(.ex1, "b", .tampered, "A second result arrived for this check."),
      ])
    let tests = GradescopeReport([report]).tests
    #expect(tests.map(\.score) == [12.5, 0])
    #expect(tests[1].status == "failed")
    #expect(
      tests[1].output == "Scored 0: the grading process received a result for this check that it did not send, so "
        + "the code tried to report a grade instead of earning it.\n\nA second result arrived for this check.")
  }

  @Test("execution_time is left out when no check was timed")
  func gradescopeUntimed() throws {
    let object = try Self.gradescopeObject(GradescopeReport(ReportFixtures.workbook([1, 2, 3, 4])))
    #expect(object["execution_time"] == nil)
  }

  @Test(
    "The visibility of the results and of the autograder's output can be chosen",
    arguments: GradescopeReport.Visibility.allCases)
  func gradescopeVisibility(_ visibility: GradescopeReport.Visibility) throws {
    let object = try Self.gradescopeObject(
      GradescopeReport(ReportFixtures.all, visibility: visibility, stdoutVisibility: .hidden))
    #expect(object["visibility"] as? String == visibility.rawValue)
    #expect(object["stdout_visibility"] as? String == "hidden")
  }

  @Test(
    "XML escaping covers the special characters and drops control codes",
    arguments: [
      ("a < b & c > d", "a &lt; b &amp; c &gt; d"),
      (#"say "hi" and 'bye'"#, "say &quot;hi&quot; and &apos;bye&apos;"),
      ("\u{1B}[31mred\u{1B}[0m", "[31mred[0m"),
      ("line 1\nline 2", "line 1&#10;line 2"),
    ])
  func escape(_ text: String, _ escaped: String) {
    #expect(JUnitReport.escape(text) == escaped)
  }

  #if canImport(FoundationXML)
    @Test("The JUnit report is well-formed XML with a failure or an error per check that did not pass")
    func junitParses() throws {
      let xml = JUnitReport.xml(ReportFixtures.graded)
      let document = try XMLDocument(xmlString: xml, options: [])
      let root = try #require(document.rootElement())
      #expect(root.name == "testsuites")
      #expect(root.attribute(forName: "tests")?.stringValue == "9")
      // A wrong answer and a stub; a crash, a time-out and two checks that
      // did not compile.
      #expect(root.attribute(forName: "failures")?.stringValue == "2")
      #expect(root.attribute(forName: "errors")?.stringValue == "4")
      #expect(root.attribute(forName: "time")?.stringValue == "31.875")

      let suites = root.elements(forName: "testsuite")
      #expect(suites.map { $0.attribute(forName: "name")?.stringValue } == [
        "ex1: Gradient clipping by norm", "ex2: Gradient clipping by value",
        "ex3: Gradient accumulation with loss scaling", "ex4: Accumulation plus clipping",
      ])
      #expect(suites.map { $0.attribute(forName: "time")?.stringValue } == ["0.750", "31.125", "0.000", "0.000"])
      #expect(suites.map { $0.attribute(forName: "failures")?.stringValue } == ["0", "1", "1", "0"])
      #expect(suites.map { $0.attribute(forName: "errors")?.stringValue } == ["0", "2", "0", "2"])

      let cases = suites[1].elements(forName: "testcase")
      #expect(cases.count == 4)
      #expect(cases.map { $0.attribute(forName: "time")?.stringValue } == ["0.125", "1.000", "0.000", "30.000"])
      #expect(cases[0].attribute(forName: "name")?.stringValue == #"Check a <&> "quoted""#)
      #expect(cases[0].children?.isEmpty ?? true)

      let failure = try #require(cases[1].elements(forName: "failure").first)
      #expect(failure.attribute(forName: "message")?.stringValue == "expected 1 < 2 & 3 > 2")
      #expect(failure.attribute(forName: "type")?.stringValue == "failed")
      #expect(failure.stringValue == "expected 1 < 2 & 3 > 2\nsecond line with 'quotes'")
      #expect(cases[2].elements(forName: "failure").isEmpty)
      #expect(cases[2].elements(forName: "error").first?.attribute(forName: "type")?.stringValue == "crashed")
      #expect(cases[3].elements(forName: "error").first?.attribute(forName: "type")?.stringValue == "timedOut")

      let stub = try #require(suites[2].elements(forName: "testcase").first?.elements(forName: "failure").first)
      #expect(stub.attribute(forName: "type")?.stringValue == "notImplemented")

      let unbuilt = try #require(suites[3].elements(forName: "testcase").first?.elements(forName: "error").first)
      #expect(unbuilt.attribute(forName: "type")?.stringValue == "doesNotCompile")
      #expect(
        unbuilt.attribute(forName: "message")?.stringValue
          == "Scored 0: the files of ex4 do not compile, so this check did not run. `swift build` shows the errors.")
      #expect(unbuilt.stringValue?.hasSuffix("error: cannot find 'clipped' in scope") == true)
    }

    @Test("A tampered check is a JUnit error")
    func junitTampered() throws {
      let report = ExerciseReport(
        exercise: .ex1, results: [ReportFixtures.result(.ex1, "a", .tampered, "A second result arrived.")])
      let document = try XMLDocument(xmlString: JUnitReport.xml([report]), options: [])
      let root = try #require(document.rootElement())
      #expect(root.attribute(forName: "errors")?.stringValue == "1")
      #expect(root.attribute(forName: "failures")?.stringValue == "0")
      let error = try #require(
        root.elements(forName: "testsuite").first?.elements(forName: "testcase").first?.elements(forName: "error").first)
      #expect(error.attribute(forName: "type")?.stringValue == "tampered")
      #expect(error.attribute(forName: "message")?.stringValue?.hasPrefix("Scored 0: the grading process") == true)
    }
  #endif

  @Test("The grade table totals the scores")
  func table() {
    let rendered = GradeCommand.table(ReportFixtures.all).render()
    #expect(rendered.contains("│ ✗ ex2  Gradient clipping by value"))
    #expect(rendered.contains("6.25 / 25"))
    #expect(rendered.contains("│ Total"))
    #expect(rendered.contains("31.25 / 75"))
  }

  @Test(
    "grade prints the table with or without report files, then the files written",
    arguments: [[], ["results.json"], ["results.json", "junit.xml"]])
  func printedTable(_ files: [String]) {
    let lines = GradeCommand.output(ReportFixtures.all, files: files, width: 80)
    let table = GradeCommand.table(ReportFixtures.all).render().split(separator: "\n").map(String.init)
    #expect(Array(lines.prefix(table.count)) == table)
    #expect(lines.contains { $0.hasPrefix("│ Total") && $0.contains("31.25 / 75") })
    if files.isEmpty {
      #expect(lines.count == table.count)
    } else {
      #expect(lines.last == "Wrote \(files.joined(separator: " and ")).")
    }
  }

  @Test("With hidden scenarios grade prints no table, which Gradescope would show to students")
  func hiddenNoTable() {
    let lines = GradeCommand.output(ReportFixtures.all, files: ["results.json"], hidden: true, width: 80)
    #expect(!lines.contains { $0.contains("Total") || $0.contains("/ 25") }, "\(lines)")
    #expect(lines.first?.hasPrefix("Wrote results.json.") == true)
  }

  @Test("The grade table adds up and fits 80 columns")
  func tableAddsUp() {
    let rendered = GradeCommand.table(ReportFixtures.workbook([15, 8, 10, 10])).render()
    let lines = rendered.split(separator: "\n")
    #expect(lines.allSatisfy { $0.count <= 80 }, "\(lines.map(\.count).max() ?? 0) columns")
    // 10 of 11 checks: the first ten, 2 × 2.375 + 8 × 2.25 = 22.75.
    #expect(lines.contains("│ ✗ ex3  Gradient accumulation with loss scaling │  10/11 │ 22.75 / 25 │"))
    #expect(lines.contains { $0.hasPrefix("│ Total ") && $0.hasSuffix("│  43/45 │ 95.5 / 100 │") })
  }

  @Test("check --json decodes back to the reports")
  func checkJSON() throws {
    let json = try CheckCommand.json(ReportFixtures.all)
    #expect(try JSONDecoder().decode([ExerciseReport].self, from: Data(json.utf8)) == ReportFixtures.all)
  }
}
