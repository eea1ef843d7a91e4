import AnswerKey
import Foundation
import Judge
import Testing

// A crash, an endless loop, an exit or a forged observation in a student's
// code must become that check's failure, never a pass and never the end of
// grading. These tests grade the fixture runner (Tests/GradingFixture),
// whose exercise-3 code misbehaves on purpose, through `RunnerObserver`:
// the judge's side that `workbook check`, `workbook grade` and `swift
// test` (Tests/ExerciseTests) all grade with.

/// The fixture runner, built by `swift test` beside the test program.
enum Fixture {
  static let program: URL = {
    let tests = URL(
      fileURLWithPath: (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
        ?? CommandLine.arguments[0])
    return tests.deletingLastPathComponent().appendingPathComponent("grading-fixture")
  }()

  /// Grades `checks` (all of exercise 3's when nil) of the misbehaviour
  /// `name`, as `workbook check` would.
  static func grade(_ name: String, checks: [String]? = nil, timeLimit: TimeInterval = 30) -> [CheckResult] {
    // The misbehaviour is chosen by an environment variable: `env` sets it
    // for the fixture alone.
    let observer = RunnerObserver(
      exercise: .ex3, command: ["/usr/bin/env", "WORKBOOK_FIXTURE=\(name)", program.path], timeLimit: timeLimit)
    defer { observer.finish() }
    return Grader(answers: AnswerKey.shared).grade(.ex3, checks: checks, observer: observer).results
  }
}

@Suite("Crashes and endless loops are contained and reported", .tags(.isolation))
struct IsolationTests {
  @Test("An index out of range is reported as a crash with the runtime's reason")
  func crash() throws {
    let results = Fixture.grade("index-out-of-range", checks: ["partial-last-window"])
    let result = try #require(results.first)
    #expect(results.count == 1)
    #expect(result.check == "partial-last-window")
    #expect(result.status == .crashed, "\(result.message)")
    #expect(result.message.contains("Fatal error"), "the runtime's reason is missing: \(result.message)")
  }

  @Test("A failed precondition names the student's file and shows what was printed")
  func precondition() throws {
    let result = try #require(Fixture.grade("precondition", checks: ["one-window"]).first)
    #expect(result.status == .crashed, "\(result.message)")
    #expect(result.message.contains("windows must be full"), "\(result.message)")
    #expect(result.message.contains("about to check the window"), "\(result.message)")
    #expect(!result.message.contains("GradingFixture/"), "a module path, not a file: \(result.message)")
  }

  @Test("An endless loop is stopped at the time limit and reported as timed out")
  func endlessLoop() throws {
    let results = Fixture.grade("endless-loop", checks: ["window-of-one"], timeLimit: 1)
    let result = try #require(results.first)
    #expect(results.count == 1)
    #expect(result.status == .timedOut, "\(result.message)")
    #expect(result.message.contains("after 1 s"), "\(result.message)")
  }

  @Test("Checks before a crash keep their results; the rest get a new child")
  func resultsBeforeACrashSurvive() throws {
    // In the exercise's order: one-window passes (its windows are full),
    // partial-last-window crashes, recurrent-model (full windows again)
    // is graded by a new child and passes.
    let ids = ["one-window", "partial-last-window", "recurrent-model"]
    let results = Fixture.grade("index-out-of-range", checks: ids)
    #expect(results.map(\.check) == ids)
    #expect(results.map(\.status) == [.passed, .crashed, .passed])
  }
}

@Suite("Student code cannot report a grade it did not earn", .tags(.isolation))
struct ForgeryTests {
  static let forgeries = [
    "forged-stdout", "forged-every-fd", "forged-then-exit-0", "forged-then-_exit-3", "forged-later-in-background",
    "forged-at-exit", "forged-with-what-it-can-read",
  ]

  @Test("No forgery passes a single check", arguments: forgeries)
  func nothingPasses(_ name: String) {
    let results = Fixture.grade(name)
    #expect(results.count == Grader.checkIDs(.ex3).count)
    let passed = results.filter(\.passed).map(\.check)
    #expect(passed.isEmpty, "\(name) passed \(passed)")
  }

  @Test("Lines written to the judge's channel make the check tampered, scored 0", arguments: [
    "forged-every-fd", "forged-then-exit-0", "forged-with-what-it-can-read",
  ])
  func tampered(_ name: String) {
    let results = Fixture.grade(name)
    #expect(results.allSatisfy { $0.status == .tampered }, "\(results.map { "\($0.check): \($0.status)" })")
  }

  @Test("What the code prints reaches the judge as printed text, not as an observation")
  func printedIsText() {
    let results = Fixture.grade("forged-stdout", checks: ["one-window"])
    #expect(results.first?.status == .failed, "\(results.map(\.message))")
    #expect(results.first?.message.contains("Your code printed:\n  | {\"observation\"") == true, "\(results.map(\.message))")
  }
}
