import Foundation
import Harness
import Judge
import WorkbookKit

#if !WORKBOOK_HANDOUT
  import AnswerKey
#endif

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// `workbook run exN`: an exercise's demo, on the student's code when it is
/// there and, in the full workbook, on the reference otherwise.
///
/// The `workbook` command links no student code, so it builds the
/// exercise's runner and runs it on the same terminal; the runner shows
/// the demo with the code it links (`DemoCommand`). With `--reference`,
/// when the exercise does not compile or is still a stub, the full
/// workbook shows the reference right here; a student's copy has none and
/// says what to do instead.
public struct RunCommand {
  var options: RunOptions

  public init(options: RunOptions) { self.options = options }
  var console = Console.standard

  public func run() throws -> ExitCode {
    // Before building: a typo in a folder should not cost a build and a demo.
    try Demos.checkOutputPaths(options.demo)
    let exercise = options.exercise
    if options.source == .reference { return try showReference(banner: nil) }
    let build = try RunnerBuild.here()
    console.status("Building \(exercise.name)…")
    let runner = RunnerBuild.Runner.demo(of: exercise)
    let outcome = try build.build([runner])[runner]
    console.clearStatus()
    switch outcome {
    case let .built(url)?:
      let status = try Self.runInTerminal(url, Array(CommandLine.arguments.dropFirst()))
      guard status == ExitCode.notImplemented.rawValue else { return ExitCode(rawValue: status) ?? .failure }
      let needs = runner.exercises.filter { $0 != exercise }.map(\.name)
      let what = needs.isEmpty ? exercise.name : "\(exercise.name) (or \(needs.joined(separator: ", ")), whose code its demo uses)"
      if options.source == .mine || !Self.hasReference {
        throw CommandFailure(Self.notImplementedMessage(exercise, what, showingReference: false))
      }
      return try showReference(banner: Self.notImplementedMessage(exercise, what, showingReference: true))
    case let .doesNotCompile(errors, log)?:
      let compiler = (errors.isEmpty ? [log.split(separator: "\n").suffix(10).map(String.init)] : errors)
        .flatMap { $0 + [""] }
      if options.source == .mine || !Self.hasReference {
        throw CommandFailure(
          "\(exercise.sourceFile) (or a file its demo uses) does not compile, so there is nothing of yours to "
            + "run. The compiler said:\n" + compiler.joined(separator: "\n").trimmingCharacters(in: .newlines))
      }
      console.lines(compiler.prefix(12).flatMap { TextWrap.wrap($0, width: console.width, indent: 4) })
      return try showReference(
        banner: "\(exercise.sourceFile) does not compile; showing the reference solution. Fix the error above to "
          + "see your own code run (swift run workbook check \(exercise.name) shows it too).")
    case nil:
      throw CommandFailure("internal error: \(runner.name) was not built")
    }
  }

  /// The banner (or the error, with `--mine` or in a student's copy) for
  /// code that is still a stub; `what` names it.
  static func notImplementedMessage(_ exercise: Exercise, _ what: String, showingReference: Bool) -> String {
    showingReference
      ? "\(what) is not implemented yet in Exercises/; showing the reference solution. Fill in "
        + "TODO(\(exercise.name)) to see your own code run."
      : "\(what) is not implemented yet: fill in TODO(\(exercise.name)) in \(exercise.sourceFile), then run it "
        + "again" + (hasReference ? ", or drop --mine to see the reference solution." : ".")
  }

  /// Whether this copy of the workbook has the reference solutions.
  static var hasReference: Bool {
    #if WORKBOOK_HANDOUT
      false
    #else
      true
    #endif
  }

  /// The demo on the reference solutions, in this process.
  func showReference(banner: String?) throws -> ExitCode {
    #if WORKBOOK_HANDOUT
      throw CommandFailure(
        "This copy of the workbook has no reference solutions to show (it is a student's copy): run "
          + "`swift run workbook run \(options.exercise.name)` to see your own code.")
    #else
      if let banner {
        console.lines(
          TextWrap.wrap(banner, width: console.width).map(Paint(enabled: Terminal.useColor(override: options.color)).yellow))
      }
      return try DemoCommand(options: options).show(code: ReferenceCode.code, owner: .reference)
    #endif
  }

  /// Runs the runner at `url` on this terminal, in this process group so
  /// Ctrl-C reaches it, and waits for it.
  static func runInTerminal(_ url: URL, _ arguments: [String]) throws -> Int32 {
    fflush(stdout)
    var pid: pid_t = 0
    let argv = ([url.path] + arguments).map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) } }
    let spawned = posix_spawn(&pid, url.path, nil, nil, argv, environ)
    guard spawned == 0 else {
      throw CommandFailure("could not start \(url.path): \(String(cString: strerror(spawned)))")
    }
    // Ctrl-C goes to the runner; this process only waits for it.
    signal(SIGINT, SIG_IGN)
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    signal(SIGINT, SIG_DFL)
    if status & 0x7f == 0 { return (status >> 8) & 0xff }
    return 128 + (status & 0x7f)
  }
}
