import Foundation
import Grading
import Testing

@testable import WorkbookKit

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

  @Test("10 of 11 checks keep their full precision")
  func exactPoints() {
    let report = ReportFixtures.exercise(.ex3, passing: 10, of: 11)
    #expect(abs(Score.points(report) - 250.0 / 11) < 1e-12)
    #expect(abs(Score.perCheck(report) - 25.0 / 11) < 1e-12)
  }

  /// Passed checks per exercise (of 15, 8, 11 and 11 checks), the
  /// hundredths shown for each exercise, and the total shown.
  struct ShownCase: CustomTestStringConvertible, Sendable {
    var passing: [Int]
    var exercises: [Int]
    var total: Int
    var testDescription: String { "passing \(passing)" }
  }

  @Test(
    "The scores shown add up to the total shown, the exact total rounded",
    arguments: [
      // 10/11 and 7/8: 22.7272… and 21.875, exact total 94.6022….
      ShownCase(passing: [15, 7, 10, 11], exercises: [2500, 2187, 2273, 2500], total: 9460),
      // Two exercises at 10/11: 95.4545…, not 25 + 25 + 22.73 + 22.73.
      ShownCase(passing: [15, 8, 10, 10], exercises: [2500, 2500, 2273, 2272], total: 9545),
      // 1/15, 3/8, 1/11, 2/11: 1.666… + 9.375 + 2.2727… + 4.5454….
      ShownCase(passing: [1, 3, 1, 2], exercises: [167, 937, 227, 455], total: 1786),
      ShownCase(passing: [15, 8, 11, 11], exercises: [2500, 2500, 2500, 2500], total: 10000),
      ShownCase(passing: [0, 0, 0, 0], exercises: [0, 0, 0, 0], total: 0),
    ])
  func shown(_ example: ShownCase) {
    let reports = ReportFixtures.workbook(example.passing)
    let shown = Score.shown(reports)
    #expect(shown.exercises == example.exercises)
    #expect(shown.total == example.total)
    #expect(shown.exercises.reduce(0, +) == shown.total)
    #expect(Int((Score.total(reports) * 100).rounded()) == shown.total)
    for (report, hundredths) in zip(reports, shown.exercises) {
      #expect(abs(Double(hundredths) - Score.points(report) * 100) < 1)
    }
  }

  @Test(
    "Hundredths are written as points", arguments: [(2500, "25"), (2273, "22.73"), (2180, "21.80"), (5, "0.05"), (0, "0")])
  func formatHundredths(_ hundredths: Int, _ text: String) {
    #expect(Score.format(hundredths: hundredths) == text)
  }

  @Test("Gradescope's results.json decodes back with its shape")
  func gradescopeShape() throws {
    let data = try GradescopeReport(ReportFixtures.all).json()
    let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    #expect(object["score"] as? Double == 31.25)
    let tests = try #require(object["tests"] as? [[String: Any]])
    #expect(tests.count == 3)
    for test in tests {
      #expect(Set(test.keys).isSuperset(of: ["name", "score", "max_score", "status", "output"]))
      #expect(test["max_score"] as? Double == 25)
    }
    #expect(tests.map { $0["status"] as? String } == ["passed", "failed", "failed"])

    let decoded = try JSONDecoder().decode(GradescopeReport.self, from: data)
    #expect(decoded == GradescopeReport(ReportFixtures.all))
    #expect(decoded.tests[1].name == "ex2: Gradient clipping by value")
    #expect(decoded.tests[1].output.contains("expected 1 < 2 & 3 > 2\n    second line"))
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
    @Test("The JUnit report is well-formed XML with a failure per failing check")
    func junitParses() throws {
      let xml = JUnitReport.xml(ReportFixtures.all)
      let document = try XMLDocument(xmlString: xml, options: [])
      let root = try #require(document.rootElement())
      #expect(root.name == "testsuites")
      #expect(root.attribute(forName: "tests")?.stringValue == "7")
      #expect(root.attribute(forName: "failures")?.stringValue == "4")

      let suites = root.elements(forName: "testsuite")
      #expect(suites.map { $0.attribute(forName: "name")?.stringValue } == [
        "ex1: Gradient clipping by norm", "ex2: Gradient clipping by value",
        "ex3: Gradient accumulation with loss scaling",
      ])
      let cases = suites[1].elements(forName: "testcase")
      #expect(cases.count == 4)
      #expect(cases[0].attribute(forName: "name")?.stringValue == #"Check a <&> "quoted""#)
      #expect(cases[0].elements(forName: "failure").isEmpty)

      let failure = try #require(cases[1].elements(forName: "failure").first)
      #expect(failure.attribute(forName: "message")?.stringValue == "expected 1 < 2 & 3 > 2")
      #expect(failure.attribute(forName: "type")?.stringValue == "failed")
      #expect(failure.stringValue == "expected 1 < 2 & 3 > 2\nsecond line with 'quotes'")
      #expect(cases[2].elements(forName: "failure").first?.attribute(forName: "type")?.stringValue == "crashed")
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

  @Test("The grade table adds up and fits 80 columns")
  func tableAddsUp() {
    let rendered = GradeCommand.table(ReportFixtures.workbook([15, 8, 10, 10])).render()
    let lines = rendered.split(separator: "\n")
    #expect(lines.allSatisfy { $0.count <= 80 }, "\(lines.map(\.count).max() ?? 0) columns")
    #expect(lines.contains("│ ✗ ex3  Gradient accumulation with loss scaling │  10/11 │  22.73 / 25 │"))
    #expect(lines.contains { $0.hasPrefix("│ ✗ ex4  Accumulation plus clipping ") && $0.hasSuffix("│  10/11 │  22.72 / 25 │") })
    #expect(lines.contains { $0.hasPrefix("│ Total ") && $0.hasSuffix("│  43/45 │ 95.45 / 100 │") })
  }

  @Test("check --json decodes back to the reports")
  func checkJSON() throws {
    let json = try CheckCommand.json(ReportFixtures.all)
    #expect(try JSONDecoder().decode([ExerciseReport].self, from: Data(json.utf8)) == ReportFixtures.all)
  }
}
