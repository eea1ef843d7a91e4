import Contract
import Foundation
import Testing
@testable import WorkbookKit
@testable import StudentCommands
@testable import InstructorCommands
@testable import WorkbookCommand
@testable import Judge
import Harness

/// Where `swift test` puts a failing check: on the student's function.
@Suite("The line a check is about")
struct CheckLocationTests {
  static let source = """
    // MARK: - Example

    public func trainStepWithoutClipping() {}

    // MARK: - To implement

    /// Doc comment that mentions func gradNorm.
    public func gradNorm(_ parameters: [Tensor]) throws -> Double {
      // TODO(ex1): combine every parameter's gradient into one norm.
      throw WorkbookError.notImplemented(exercise: 1, function: "gradNorm")
    }

    @discardableResult
    public func clipGradNorm(_ parameters: [Tensor]) throws -> Double {
      let total = try gradNorm(parameters)
      return total
    }

    public func trainStep() throws {
      // TODO(ex1): zero the gradients, forward, backward, clip, step.
      func inner() {}
    }
    """

  static func result(_ title: String, _ message: String, _ status: CheckResult.Status = .failed) -> CheckResult {
    CheckResult(exercise: .ex1, check: "c", title: title, status: status, message: message)
  }

  @Test(
    "The function the result names or mentions, at its TODO while it has one",
    arguments: [
      (result("A check", "gradNorm is not implemented yet: fill in TODO(ex1)", .notImplemented), 9),
      (result("clipGradNorm scales every gradient", "expected 1, got 2"), 14),
      (result("trainStep clips between backward() and step()", "wrong"), 20),
      (result("A huge entry keeps the direction", "the factor clipGradNorm applied was 2"), 14),
      (result("A check", "Fatal error: Index out of range at NormClipping.swift:16"), 16),
      (result("Something no function is named in", "wrong"), 9),
    ])
  func line(_ result: CheckResult, _ expected: Int) {
    #expect(CheckLocation.line(of: result, in: Self.source, fileName: "NormClipping.swift") == expected)
  }

  @Test("The graded file is Exercises/ or, grading the solutions, Solutions/")
  func sourceFile() {
    let root = URL(fileURLWithPath: "/work/book")
    #expect(
      CheckLocation.sourceFile(of: .ex3, root: root, solutions: false).path
        == "/work/book/Exercises/ex3-gradient-accumulation/GradientAccumulation.swift")
    #expect(
      CheckLocation.sourceFile(of: .ex3, root: root, solutions: true).path
        == "/work/book/Solutions/ex3-gradient-accumulation/GradientAccumulation.swift")
  }

  @Test("On the shipped stubs, each exercise's first check points at a TODO", arguments: Exercise.allCases)
  func shippedStubs(_ exercise: Exercise) throws {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent()
    let file = CheckLocation.sourceFile(of: exercise, root: root, solutions: false)
    let source = try String(contentsOf: file, encoding: .utf8)
    let check = try #require(Grader.checks(exercise).first)
    let result = CheckResult(
      exercise: exercise, check: check.id, title: check.title, status: .failed, message: "wrong")
    let line = CheckLocation.line(of: result, in: source, fileName: file.lastPathComponent)
    let text = source.split(separator: "\n", omittingEmptySubsequences: false)[line - 1]
    #expect(text.contains("TODO(\(exercise.name))") || text.contains("func "), "line \(line): \(text)")
  }
}
