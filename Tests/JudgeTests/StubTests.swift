@testable import AnswerKey
import Judge
import Testing

// The maintainer check (rustlings' `dev check`): the stubs shipped in
// Exercises/ are graded as not implemented, never as passed or crashed.
//
// It runs only when the solutions are graded (WORKBOOK_SOLUTIONS=1, as CI
// runs the suite). In a student's build Exercises/ is their work in
// progress, and a stub they have filled in would fail this test for doing
// what it should.
@Suite(
  "The shipped stubs are graded as not implemented", .tags(.stubs),
  .enabled(if: Stubs.gradingSolutions, "Exercises/ holds the shipped stubs only when grading Solutions/"))
struct StubTests {
  @Test("A shipped stub meets this check as not implemented", arguments: CheckCase.all)
  func notImplemented(_ check: CheckCase) throws {
    let result = try check.run(on: Stubs.code)
    #expect(result.status == .notImplemented, "[\(result.status.rawValue)] \(result.message)")
    #expect(result.mistakes.isEmpty)
    #expect(result.message.contains("TODO(ex"), "the message should say which TODO to fill in: \(result.message)")
  }
}
