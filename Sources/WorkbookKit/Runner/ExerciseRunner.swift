import Foundation
import Harness

/// The `main` of every exercise's runner (Sources/Runners/workbook-exN):
/// the one kind of program that links a student's code.
///
/// It does two things, both asked by the `workbook` command:
///
///     workbook-ex3 __observe ex3
///     workbook-ex3 run ex3 [demo options]
///
/// The first answers the judge's requests (`RunnerChild`): it runs the
/// student's code on scenarios and reports what it did, and reaches no
/// verdict; the second shows the demo.
public enum ExerciseRunner {
  public static func main(_ exercise: Exercise, code: WorkbookCode) -> Never {
    let arguments = Array(CommandLine.arguments.dropFirst())
    let command: Command
    do {
      command = try Command.parse(arguments)
    } catch {
      Terminal.errorLine("error: " + error.message)
      exit(ExitCode.usage.rawValue)
    }
    switch command {
    case let .observe(asked) where asked == exercise:
      RunnerChild.main(code: code)
    case let .run(options) where options.exercise == exercise:
      do {
        exit(try DemoCommand(options: options).show(code: code, owner: .student).rawValue)
      } catch let failure as CommandFailure {
        Terminal.errorLine("error: " + failure.message)
      } catch {
        Terminal.errorLine("error: \(error)")
      }
      exit(ExitCode.failure.rawValue)
    default:
      Terminal.errorLine(
        "error: this program grades and shows \(exercise.name) for the workbook command; run "
          + "`swift run workbook` instead.")
      exit(ExitCode.usage.rawValue)
    }
  }
}
