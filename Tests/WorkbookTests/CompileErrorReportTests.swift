import Foundation
import Testing
@testable import WorkbookKit
@testable import StudentCommands
@testable import InstructorCommands
@testable import WorkbookCommand
@testable import Judge
import Harness

@Suite("An exercise that does not compile")
struct CompileErrorReportTests {
  static let log = """
    Building for debugging...
    /work/w/Exercises/ex2-value-clipping/ValueClipping.swift:41:19: error: cannot convert value of type 'String' to specified type 'Int'
     39 |
     40 | let broken: Int = "x"
        |                   `- error: cannot convert value of type 'String' to specified type 'Int'
    """
  static let report = RunnerBuild.notCompiling(
    .ex2, errors: BuildLog.errors(in: log, root: "/work/w"), log: log)

  @Test("Every check scores 0 as 'does not compile', with the compiler's words at the student's file")
  func report() {
    #expect(Self.report.state == .doesNotCompile)
    #expect(Self.report.results.count == Grader.checkIDs(.ex2).count)
    #expect(Self.report.results.allSatisfy { $0.status == .doesNotCompile && !$0.passed })
    #expect(Self.report.results[0].message.contains("Exercises/ex2-value-clipping/ValueClipping.swift:41:19: error:"))
  }

  @Test("check shows the errors once, within 80 columns")
  func shownOnce() {
    let lines = ReportText.detailed(Self.report, paint: Paint(enabled: false), width: 80)
    #expect(lines.filter { $0.contains("ValueClipping.swift:41:19") }.count == 1)
    #expect(!lines.contains { $0.contains(Self.report.results[1].title) }, "the checks are not listed one by one")
    #expect(lines.allSatisfy { $0.count <= 80 }, "\(lines.filter { $0.count > 80 })")
  }

  @Test("The next step is the compile error, at its line, before any unfinished exercise")
  func nextStep() throws {
    let stub = ExerciseReport(
      exercise: .ex1,
      results: [CheckResult(exercise: .ex1, check: "a", title: "t", status: .notImplemented, message: "todo")])
    let next = try #require(NextStep([stub, Self.report]))
    #expect(next.exercise == .ex2)
    #expect(next.location == "Exercises/ex2-value-clipping/ValueClipping.swift:41")
    #expect(next.todo?.hasPrefix("error: cannot convert") == true)
  }
}
