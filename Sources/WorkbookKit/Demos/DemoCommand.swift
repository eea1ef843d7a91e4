import Foundation
import Harness

/// A demo shown with a given implementation: what an exercise's runner does
/// for `workbook run exN`, and what the workbook command does with the
/// reference solutions.
public struct DemoCommand {
  public var options: RunOptions
  public var console = Console.standard

  public init(options: RunOptions) { self.options = options }

  /// The demo on `code`. A runner whose student code is still a stub says
  /// so with `ExitCode.notImplemented`, printing nothing, and the workbook
  /// command decides what to show instead.
  public func show(code: WorkbookCode, owner: DemoOptions.CodeOwner) throws -> ExitCode {
    let exercise = options.exercise
    try Demos.checkOutputPaths(options.demo)
    if owner == .student, !Demos.isImplemented(exercise, in: code) { return .notImplemented }
    var demo = options.demo
    demo.color = Terminal.useColor(override: options.color)
    demo.width = console.width
    demo.codeOwner = Console.gradingSolutions ? .reference : owner
    demo.clipperOwner = demo.codeOwner

    let output = TerminalDemoOutput(interactive: console.interactive)
    let summary: DemoSummary
    do {
      if let seeds = demo.seeds {
        summary = try Demos.runSeeds(seeds, exercise, code: code, options: demo, output: output)
      } else {
        summary = try Demos.run(exercise, code: code, options: demo, output: output)
      }
    } catch let failure as CommandFailure {
      output.finish()
      throw failure
    } catch {
      output.finish()
      throw CommandFailure("the \(exercise.name) demo stopped: \(error)")
    }
    output.finish()
    for file in summary.files { console.line("Saved \(file)") }
    return .success
  }
}
