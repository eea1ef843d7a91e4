import Foundation
import Grading
import Implementations

/// `workbook run exN`: an exercise's demo, on the student's code when it is
/// there and on the reference otherwise.
struct RunCommand {
  var options: RunOptions
  var console = Console.standard

  func run() throws -> ExitCode {
    let exercise = options.exercise
    var demo = options.demo
    demo.color = Terminal.useColor(override: options.color)
    demo.width = console.width

    let code: WorkbookCode
    switch options.source {
    case .reference:
      code = Implementations.solutions
      demo.codeOwner = .reference
    case .automatic, .mine:
      if Demos.isImplemented(exercise, in: Implementations.graded) {
        code = Implementations.graded
      } else if options.source == .mine {
        throw CommandFailure(Self.notImplementedMessage(exercise, showingReference: false))
      } else {
        console.line(Paint(enabled: demo.color).yellow(Self.notImplementedMessage(exercise, showingReference: true)))
        code = Implementations.solutions
        demo.codeOwner = .reference
      }
    }

    let output = TerminalDemoOutput(interactive: console.interactive)
    let summary: DemoSummary
    do {
      summary = try Demos.run(exercise, code: code, options: demo, output: output)
    } catch {
      output.finish()
      throw CommandFailure("the \(exercise.name) demo stopped: \(error)")
    }
    output.finish()
    for file in summary.files { console.line("Saved \(file)") }
    return .success
  }

  /// The banner (or the error with `--mine`) for an unfilled stub.
  static func notImplementedMessage(_ exercise: Exercise, showingReference: Bool) -> String {
    let name = exercise.name
    return showingReference
      ? "\(name) is not implemented yet in \(Implementations.gradedFolder); showing the reference solution. "
        + "Fill in TODO(\(name)) to see your own code run."
      : "\(name) is not implemented yet in \(Implementations.gradedFolder): fill in TODO(\(name)) in "
        + "\(exercise.sourceFile), or drop --mine to see the reference solution."
  }
}
