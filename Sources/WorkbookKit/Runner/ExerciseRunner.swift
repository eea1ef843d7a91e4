import Foundation
import Grading

/// The `main` of every exercise's runner (Sources/Runners/workbook-exN):
/// the one kind of program that links a student's code.
///
/// It does two things, both asked by the `workbook` command:
///
///     workbook-ex3 __grade ex3 [--checks a,b] [--time-limit 30]
///     workbook-ex3 run ex3 [demo options]
///
/// The first grades in the child protocol of `IsolatedGrading`, which
/// reads its key before any student code runs; the second shows the demo.
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
    case let .gradeChild(options) where options.exercise == exercise:
      // Line-buffer `print`: into a pipe it would otherwise be held back
      // until exit (and lost in a crash), so a student's debug output would
      // land after the markers of later checks, or nowhere.
      setvbuf(stdout, nil, _IOLBF, 0)
      IsolatedGrading.runChild(exercise, checks: options.checks, code: code, timeLimit: options.timeLimit)
    case let .run(options) where options.exercise == exercise:
      do {
        exit(try RunCommand(options: options).show(code: code, owner: .student).rawValue)
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
