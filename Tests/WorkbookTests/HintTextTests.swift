import Foundation
import Testing
@testable import WorkbookKit
@testable import StudentCommands
@testable import InstructorCommands
@testable import WorkbookCommand
@testable import Judge
import Harness

/// The hints as text: where they start, their order, their width.
///
/// The first two read the exercise files, so they run only when those hold
/// the shipped stubs (WORKBOOK_SOLUTIONS=1, as CI runs the suite): in a
/// student's build a function that is filled in has no TODO any more, and
/// the first TODO moves on to the next function.
@Suite("The hints follow the exercise files")
struct HintTextTests {
  static let shippedStubs = GradedCode.isSolutions

  @Test(
    "Hint 1 is about the function whose TODO `workbook list` opens",
    .enabled(if: shippedStubs, "Exercises/ holds the shipped stubs only when grading Solutions/"),
    arguments: Exercise.allCases)
  func firstHint(_ exercise: Exercise) throws {
    let todo = try #require(NextStep.firstTODO(of: exercise, root: DemoFixture.packageRoot))
    let function = try #require(
      try Self.declarations(exercise).last { $0.line <= todo.line }?.function, "no function before \(todo.text)")
    let first = try #require(Hints.hints(for: exercise).first)
    #expect(Self.mentions(first, function), "hint 1 of \(exercise.name) should be about \(function): \(first)")
  }

  @Test(
    "The hints take the functions in the order of their TODOs",
    .enabled(if: shippedStubs, "Exercises/ holds the shipped stubs only when grading Solutions/"),
    arguments: Exercise.allCases)
  func order(_ exercise: Exercise) throws {
    let hints = Hints.hints(for: exercise)
    let functions = try Self.functionsWithTODO(exercise)
    #expect(!functions.isEmpty, "no TODO(\(exercise.name)) in \(exercise.sourceFile)")
    #expect(Hints.groups(for: exercise).map(\.function) == functions, "one group per function with a TODO, in order")
    let firstHints = functions.map { function in hints.firstIndex { Self.mentions($0, function) } }
    for (function, index) in zip(functions, firstHints) where index == nil {
      Issue.record("no hint of \(exercise.name) mentions \(function)")
    }
    let order = firstHints.compactMap { $0 }
    #expect(order == order.sorted(), "first hints per function \(Array(zip(functions, firstHints)))")
  }

  @Test("Every hint is one paragraph, and the list of them fits 80 columns", arguments: Exercise.allCases)
  func width(_ exercise: Exercise) {
    let hints = Hints.hints(for: exercise)
    #expect((4...7).contains(hints.count))
    for hint in hints {
      // One paragraph is wrapped to the terminal; a line break inside it
      // would be kept, and could end up past the edge.
      #expect(!hint.isEmpty && !hint.contains("\n"), "\(hint)")
    }
    let groups = Hints.groups(for: exercise) + [Hints.challenge(for: exercise)]
    #expect(!Hints.challenge(for: exercise).hints.isEmpty, "no Challenge hints for \(exercise.name)")
    let lines = HintCommand.renderAll(exercise, groups, paint: Paint(enabled: false), width: 80)
    for line in lines where line.count > 80 {
      Issue.record("\(line.count) columns: \(line)")
    }
  }

  // MARK: - Reading an exercise file

  /// Every function declared in `exercise`'s file, with its line (1-based).
  static func declarations(_ exercise: Exercise) throws -> [(line: Int, function: String)] {
    let url = DemoFixture.packageRoot.appendingPathComponent(exercise.sourceFile)
    let source = try String(contentsOf: url, encoding: .utf8)
    return source.split(separator: "\n", omittingEmptySubsequences: false).enumerated().compactMap { index, line in
      var words = line.split(separator: " ")[...]
      if words.first == "public" { words = words.dropFirst() }
      guard words.first == "func", let name = words.dropFirst().first else { return nil }
      return (index + 1, String(name.prefix { $0.isLetter || $0.isNumber || $0 == "_" }))
    }
  }

  /// The functions of `exercise`'s file that hold a `TODO(exN)`, in file
  /// order.
  static func functionsWithTODO(_ exercise: Exercise) throws -> [String] {
    let url = DemoFixture.packageRoot.appendingPathComponent(exercise.sourceFile)
    let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
    let declared = try declarations(exercise)
    var functions: [String] = []
    for (index, line) in lines.enumerated() where line.contains("TODO(\(exercise.name))") {
      if let function = declared.last(where: { $0.line <= index + 1 })?.function, !functions.contains(function) {
        functions.append(function)
      }
    }
    return functions
  }

  /// Whether `text` names `function` as a whole word: "gradNorm" is not in
  /// "clipGradNorm", nor "trainStep" in "trainStepWithoutClipping".
  static func mentions(_ text: String, _ function: String) -> Bool {
    text.split { !($0.isLetter || $0.isNumber || $0 == "_") }.contains { $0 == function }
  }
}
