import Foundation
import Harness
import Judge
import WorkbookKit

/// The programs that hold the student's code, one per exercise
/// (Sources/Runners), and building them so that an exercise that does not
/// compile costs that exercise only.
public struct RunnerBuild {
  public var swift: SwiftBuild

  /// A runner's product name.
  public struct Runner: Hashable, Sendable {
    var name: String
    /// The exercises whose code it links.
    var exercises: [Exercise]

    /// `workbook-exN`: exercise N's code alone.
    public static func of(_ exercise: Exercise) -> Runner { Runner(name: "workbook-\(exercise.name)", exercises: [exercise]) }
    /// Exercise 4's loop handed the student's own exercise-1 clipping.
    public static let ex4WithEx1 = Runner(name: "workbook-ex4-with-ex1", exercises: [.ex1, .ex4])

    /// The program that shows `exercise`'s demo: the demos of exercises
    /// 2, 4 and 5 clip by norm with the student's exercise 1.
    public static func demo(of exercise: Exercise) -> Runner {
      switch exercise {
      case .ex2, .ex4, .ex5:
        return Runner(name: "workbook-\(exercise.name)-with-ex1", exercises: [.ex1, exercise])
      case .ex1, .ex3, .ex6:
        return .of(exercise)
      case .ex7:
        return Runner(name: "workbook-ex7-with-ex1", exercises: [.ex1, .ex7])
      }
    }
  }

  public enum Outcome: Equatable {
    case built(URL)
    /// The first compile errors, in the student's files where they are.
    case doesNotCompile(errors: [[String]], log: String)
  }

  /// Finds the workbook's folder: the current one, which must hold
  /// Package.swift and Exercises/.
  public static func here() throws -> RunnerBuild {
    let root = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    try requireWorkbookFolder(root)
    return RunnerBuild(swift: SwiftBuild(root: root))
  }

  /// Every command that works on the workbook's files checks this first.
  public static func requireWorkbookFolder(_ root: URL) throws {
    let manager = FileManager.default
    guard manager.fileExists(atPath: root.appendingPathComponent("Package.swift").path),
      manager.fileExists(atPath: root.appendingPathComponent("Exercises").path)
    else {
      throw CommandFailure(
        "run the workbook in its own folder (the one with Package.swift and Exercises/); this is \(root.path)")
    }
  }

  /// Builds `runners`. All at once first, since that is one run of SwiftPM;
  /// if that fails, each on its own, so the ones that compile are built
  /// and the others say why not.
  public func build(_ runners: [Runner]) throws -> [Runner: Outcome] {
    let bin = { try self.swift.binPath() }
    if runners.count > 1, try swift.build(product: nil) == .built {
      let folder = try bin()
      return Dictionary(uniqueKeysWithValues: runners.map { ($0, .built(folder.appendingPathComponent($0.name))) })
    }
    var outcomes: [Runner: Outcome] = [:]
    for runner in runners {
      switch try swift.build(product: runner.name) {
      case .built: outcomes[runner] = .built(try bin().appendingPathComponent(runner.name))
      case let .failed(errors, log): outcomes[runner] = .doesNotCompile(errors: errors, log: log)
      }
    }
    return outcomes
  }

  /// The result of every check of `exercise` when it does not compile:
  /// each scores 0 and says why, with the compiler's first errors.
  public static func notCompiling(_ exercise: Exercise, errors: [[String]], log: String) -> ExerciseReport {
    let shown = errors.isEmpty ? log.split(separator: "\n").suffix(10).map(String.init) : errors.flatMap { $0 + [""] }
    let message = "\(exercise.sourceFile) does not compile, so none of its checks could run. The compiler "
      + "said:\n" + shown.joined(separator: "\n").trimmingCharacters(in: .newlines)
    return ExerciseReport(
      exercise: exercise,
      results: Grader.checks(exercise).map {
        CheckResult(exercise: exercise, check: $0.id, title: $0.title, status: .doesNotCompile, message: message)
      })
  }
}
