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
    "Each exercise scores passed / checks × 25",
    arguments: [(Exercise.ex1, 25.0), (.ex2, 6.25), (.ex3, 0.0)])
  func score(_ exercise: Exercise, _ points: Double) throws {
    let report = try #require(ReportFixtures.all.first { $0.exercise == exercise })
    #expect(Score.points(report) == points)
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
    #expect(rendered.contains("│ ex2  Gradient clipping by value"))
    #expect(rendered.contains("6.25 / 25"))
    #expect(rendered.contains("31.25 / 75"))
  }

  @Test("check --json decodes back to the reports")
  func checkJSON() throws {
    let json = try CheckCommand.json(ReportFixtures.all)
    #expect(try JSONDecoder().decode([ExerciseReport].self, from: Data(json.utf8)) == ReportFixtures.all)
  }
}
