import Foundation
import Harness
import InstructorCommands
import StudentCommands
import WorkbookKit

/// The `workbook` command: parses the command line, runs the subcommand and
/// turns its outcome into an exit code.
///
///   0  what was asked succeeded (for `check`: every graded exercise passes)
///   1  what was asked failed (a failing exercise, an unwritable file)
///   2  the command line was wrong; the message names the token
public enum WorkbookCommand {
  public static func main() -> Never {
    exit(run(Array(CommandLine.arguments.dropFirst())).rawValue)
  }

  /// Runs one command line (without the program name), writing errors
  /// with `errorLine` (standard error unless a test listens), wrapped to
  /// `width`: a message that quotes a value and lists the choices can be
  /// longer than a line.
  public static func run(
    _ arguments: [String], width: Int = Terminal.width, errorLine: (String) -> Void = Terminal.errorLine
  ) -> ExitCode {
    let command: Command
    do {
      command = try Command.parse(arguments)
    } catch {
      TextWrap.wrap("error: " + error.message, width: width).forEach(errorLine)
      errorLine(Help.errorFooter(for: error.verb, width: width))
      return .usage
    }
    do {
      return try execute(command, width: width)
    } catch let failure as CommandFailure {
      TextWrap.wrap("error: " + failure.message, width: width).forEach(errorLine)
      return .failure
    } catch {
      TextWrap.wrap("error: \(error)", width: width).forEach(errorLine)
      return .failure
    }
  }

  static func execute(_ command: Command, width: Int) throws -> ExitCode {
    switch command {
    case let .help(verb):
      Terminal.line(verb.map { Help.text(for: $0, width: width) } ?? Help.root(width: width))
      return .success
    case .list: return try ListCommand().run()
    case let .check(options): return try CheckCommand(options: options).run()
    case let .hint(options): return try HintCommand(options: options).run()
    case let .watch(options): return try WatchCommand(options: options).run()
    case let .run(options): return try RunCommand(options: options).run()
    case let .grade(options): return try GradeCommand(options: options).run()
    case let .reset(options): return try ResetCommand(options: options).run()
    case let .handout(options): return try HandoutCommand(options: options).run()
    case let .autograder(options): return try AutograderCommand(options: options).run()
    case let .bench(options): return try BenchCommand(options: options).run()
    case .observe:
      // Only an exercise's runner runs a student's code: this program holds none.
      throw CommandFailure("`__observe` is for the exercises' runners (see ExerciseRunner)")
    }
  }
}
