import Foundation
import Grading

/// `workbook run exN`: an exercise's demo, on the student's code when it is
/// there and on the reference otherwise.
///
/// The `workbook` command links no student code, so it builds the
/// exercise's runner and hands the command line over to it (`exec`); the
/// runner shows the demo with the code it links (`RunCommand.show`). With
/// `--reference`, or when the exercise does not compile, the reference runs
/// right here.
struct RunCommand {
  var options: RunOptions
  var console = Console.standard

  /// The workbook command's side.
  func run() throws -> ExitCode {
    // Before building: a typo in a folder should not cost a build and a demo.
    try Demos.checkOutputPaths(options.demo)
    if options.source == .reference { return try show(code: ReferenceCode.required(for: options.exercise), owner: .reference) }
    let build = try RunnerBuild.here()
    let exercise = options.exercise
    console.status("Building \(exercise.name)…")
    // Exercise 4's demo hands the loop the student's own clipping when
    // exercise 1 compiles too; otherwise the reference clipping.
    let runners: [RunnerBuild.Runner] = exercise == .ex4 ? [.ex4WithEx1, .of(.ex4)] : [.of(exercise)]
    var errors: [[String]] = []
    for runner in runners {
      switch try build.build([runner])[runner] {
      case let .built(url)?:
        console.clearStatus()
        return try Self.exec(url, CommandLine.arguments.dropFirst())
      case let .doesNotCompile(blockErrors, log)?:
        errors = blockErrors.isEmpty ? [log.split(separator: "\n").suffix(10).map(String.init)] : blockErrors
      case nil:
        break
      }
    }
    console.clearStatus()
    let paint = Paint(enabled: Terminal.useColor(override: options.color))
    let compiler = errors.flatMap { $0 + [""] }
    if options.source == .mine {
      throw CommandFailure(
        "\(exercise.sourceFile) does not compile, so there is nothing of yours to run. The compiler said:\n"
          + compiler.joined(separator: "\n").trimmingCharacters(in: .newlines))
    }
    console.lines(
      TextWrap.wrap(
        "\(exercise.sourceFile) does not compile; showing the reference solution. Fix the error below to see "
          + "your own code run (swift run workbook check \(exercise.name) shows it too).", width: console.width
      ).map(paint.yellow))
    console.lines(compiler.prefix(12).flatMap { TextWrap.wrap($0, width: console.width, indent: 4) })
    return try show(code: ReferenceCode.required(for: exercise), owner: .reference)
  }

  /// The runner's side: the demo on `code`, the exercise's code this
  /// program links, falling back to the reference when it is a stub.
  func show(code: WorkbookCode, owner: DemoOptions.CodeOwner) throws -> ExitCode {
    let exercise = options.exercise
    try Demos.checkOutputPaths(options.demo)
    var demo = options.demo
    demo.color = Terminal.useColor(override: options.color)
    demo.width = console.width
    demo.codeOwner = owner
    demo.clipperOwner = owner

    var code = code
    if owner == .student, !Demos.isImplemented(exercise, in: code) {
      if exercise == .ex4, var ex4 = code.ex4 {
        // The loop may be written while exercise 1's clipping is not.
        ex4.clipper = .reference
        if Demos.isImplemented(.ex4, in: WorkbookCode(ex4: ex4)) {
          code.ex4 = ex4
          demo.clipperOwner = .reference
        }
      }
      if demo.clipperOwner == owner {
        if options.source == .mine || ReferenceCode.code == nil {
          throw CommandFailure(
            ReferenceCode.code == nil
              ? "\(exercise.name) is not implemented yet: write your code first (fill in TODO(\(exercise.name)) in "
                + "\(exercise.sourceFile)), then run it again."
              : Self.notImplementedMessage(exercise, showingReference: false))
        }
        console.lines(
          TextWrap.wrap(Self.notImplementedMessage(exercise, showingReference: true), width: console.width)
            .map(Paint(enabled: demo.color).yellow))
        code = try ReferenceCode.required(for: exercise)
        demo.codeOwner = .reference
        demo.clipperOwner = .reference
      }
    }
    if Console.gradingSolutions && demo.codeOwner == .student {
      demo.codeOwner = .reference
      demo.clipperOwner = .reference
    }

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

  /// Replaces this process with the runner at `url`, same arguments: the
  /// demo then owns the terminal (colours, width, Ctrl-C) as if run
  /// directly.
  static func exec(_ url: URL, _ arguments: ArraySlice<String>) throws -> ExitCode {
    fflush(stdout)
    let argv = ([url.path] + arguments).map { strdup($0) } + [nil]
    execv(url.path, argv)
    throw CommandFailure("could not start \(url.path): \(String(cString: strerror(errno)))")
  }

  /// The banner (or the error with `--mine`) for an unfilled stub.
  static func notImplementedMessage(_ exercise: Exercise, showingReference: Bool) -> String {
    let name = exercise.name
    return showingReference
      ? "\(name) is not implemented yet in Exercises/; showing the reference solution. "
        + "Fill in TODO(\(name)) to see your own code run."
      : "\(name) is not implemented yet in Exercises/: fill in TODO(\(name)) in "
        + "\(exercise.sourceFile), or drop --mine to see the reference solution."
  }
}
