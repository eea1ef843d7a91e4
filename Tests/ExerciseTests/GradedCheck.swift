import Foundation
import Judge
import StudentCommands
import Testing

/// One check of one exercise, named by its sentence in the test output.
struct GradedCheck: Codable, Sendable, CustomTestStringConvertible {
  var exercise: Exercise
  var id: String
  var title: String

  var testDescription: String { title }

  static func all(_ exercise: Exercise) -> [GradedCheck] {
    Grader.checks(exercise).map { GradedCheck(exercise: exercise, id: $0.id, title: $0.title) }
  }
}

/// Seconds one check may run before it counts as an endless loop.
let checkTimeLimit: TimeInterval = 30

/// The exercise's runner, built by `swift test` beside this test program:
/// the same program, and the same parent side, as `workbook check` uses.
func runner(_ exercise: Exercise) -> URL {
  #if os(Linux)
    let tests = URL(
      fileURLWithPath: (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
        ?? CommandLine.arguments[0])
    let folder = tests.deletingLastPathComponent()
  #else
    // Elsewhere the tests are a bundle (…PackageTests.xctest) that a helper
    // program loads, in the same build folder as the runners.
    let folder = Bundle(for: BuildFolderToken.self).bundleURL.deletingLastPathComponent()
  #endif
  return folder.appendingPathComponent("workbook-\(exercise.name)")
}

/// A class of this test program, for `Bundle(for:)`.
private final class BuildFolderToken {}

/// The package's folder: this file is Tests/ExerciseTests/GradedCheck.swift.
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
  .deletingLastPathComponent()

/// WORKBOOK_SOLUTIONS=1: the runners link Solutions/ (see Package.swift).
let gradingSolutions = GradedCode.isSolutions

/// Where a failure of `result` shows in an editor: in the graded exercise
/// file, at the function the check is about (see `CheckLocation`).
func studentLocation(of result: CheckResult) -> SourceLocation? {
  let file = CheckLocation.sourceFile(of: result.exercise, root: packageRoot, solutions: gradingSolutions)
  guard let source = try? String(contentsOf: file, encoding: .utf8) else { return nil }
  let line = CheckLocation.line(of: result, in: source, fileName: file.lastPathComponent)
  // The column of the line's first character, so the mark sits on the code.
  let text = source.split(separator: "\n", omittingEmptySubsequences: false).dropFirst(line - 1).first ?? ""
  let column = text.prefix { $0 == " " }.count + 1
  let module = (gradingSolutions ? "Solution" : "Exercise") + String(result.exercise.rawValue)
  return SourceLocation(
    fileID: "\(module)/\(file.lastPathComponent)", filePath: file.path, line: line, column: column)
}

/// Grades `check` on the graded code in a child process of its runner,
/// judged as `workbook check` judges it, and records its diagnosis as the
/// test's issue when it does not pass, placed on the student's code.
func expectPasses(_ check: GradedCheck) {
  let program = runner(check.exercise)
  guard FileManager.default.isExecutableFile(atPath: program.path) else {
    Issue.record("\(program.lastPathComponent) is not built next to the tests (\(program.path)); run `swift build`.")
    return
  }
  do {
    let grader = Grader(answers: try WorkbookGrading.answers(root: packageRoot))
    let observer = RunnerObserver(exercise: check.exercise, command: [program.path], timeLimit: checkTimeLimit)
    defer { observer.finish() }
    guard let graded = Grader.checks(check.exercise).first(where: { $0.id == check.id }) else {
      Issue.record("\(check.exercise.name) has no check \(check.id)")
      return
    }
    let result = grader.grade(graded, observer: observer)
    if !result.passed {
      let comment = Comment(rawValue: "[\(result.status.rawValue)] \(result.message)")
      if let location = studentLocation(of: result) {
        Issue.record(comment, sourceLocation: location)
      } else {
        Issue.record(comment)
      }
    }
  } catch {
    Issue.record("could not grade \(check.id): \(error)")
  }
}
