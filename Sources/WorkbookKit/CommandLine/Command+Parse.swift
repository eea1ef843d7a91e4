import Foundation
import Harness

extension Command {
  /// Parses the arguments after the program name.
  ///
  /// `-h` or `--help` anywhere before `--` asks for the help of the
  /// subcommand, whatever else is on the line: someone unsure of the syntax
  /// should get help, not an error about it.
  ///
  /// - Throws: `UsageError` naming the token that does not fit.
  public static func parse(_ arguments: [String]) throws(UsageError) -> Command {
    guard let first = arguments.first else { return .list }
    if first == "-h" || first == "--help" { return .help(nil) }
    guard let verb = Verb(rawValue: first) else {
      if first.hasPrefix("-") {
        throw .unknownSubcommand(first, suggestion: nil)
      }
      throw .unknownSubcommand(first, suggestion: Arguments.suggestion(for: first, among: Verb.visible.map(\.rawValue)))
    }
    let rest = Array(arguments.dropFirst())
    let beforeTerminator = rest.prefix { $0 != "--" }
    if beforeTerminator.contains("-h") || beforeTerminator.contains("--help") { return .help(verb) }
    let arguments = try Arguments(rest, spec: verb.spec)
    return try parse(verb, arguments)
  }

  private static func parse(_ verb: Verb, _ arguments: Arguments) throws(UsageError) -> Command {
    switch verb {
    case .help:
      guard let name = arguments.positionals.first else { return .help(nil) }
      guard let topic = Verb(rawValue: name) else {
        throw .unknownSubcommand(name, suggestion: Arguments.suggestion(for: name, among: Verb.visible.map(\.rawValue)))
      }
      return .help(topic)
    case .list:
      return .list
    case .check:
      return .check(
        CheckOptions(
          exercise: try arguments.exercise(at: 0), timeLimit: try timeLimit(arguments), json: arguments.has("--json")))
    case .hint:
      return .hint(try hintOptions(arguments))
    case .watch:
      return .watch(WatchOptions(timeLimit: try timeLimit(arguments)))
    case .run:
      return .run(try runOptions(arguments))
    case .grade:
      return .grade(try gradeOptions(arguments))
    case .bench:
      return .bench(try benchOptions(arguments))
    case .reset:
      guard let exercise = try arguments.exercise(at: 0) else { throw .missingArgument("<exercise>", verb: verb) }
      return .reset(ResetOptions(exercise: exercise, yes: arguments.has("--yes")))
    case .handout, .autograder:
      guard let path = arguments.positionals.first else { throw .missingArgument("<folder>", verb: verb) }
      return verb == .handout ? .handout(FolderOptions(path: path)) : .autograder(FolderOptions(path: path))
    case .observe:
      guard let exercise = try arguments.exercise(at: 0) else { throw .missingArgument("<exercise>", verb: verb) }
      return .observe(exercise)
    }
  }

  private static func timeLimit(_ arguments: Arguments) throws(UsageError) -> TimeInterval {
    try arguments.positive("--time-limit") ?? 30
  }

  private static func hintOptions(_ arguments: Arguments) throws(UsageError) -> HintOptions {
    let options = HintOptions(
      exercise: try arguments.exercise(at: 0), function: arguments.positionals.dropFirst().first,
      all: arguments.has("--all"), reset: arguments.has("--reset"))
    if options.all && options.reset { throw .conflictingOptions("--all", "--reset", verb: .hint) }
    if options.exercise == nil && !options.reset { throw .missingArgument("<exercise>", verb: .hint) }
    return options
  }

  private static func gradeOptions(_ arguments: Arguments) throws(UsageError) -> GradeOptions {
    let choices = "visible, hidden, after_due_date or after_published"
    var options = GradeOptions(
      jsonPath: arguments.values["--json"], junitPath: arguments.values["--junit"],
      timeLimit: try timeLimit(arguments),
      visibility: try arguments.value("--visibility", expected: choices, Visibility.init) ?? .visible,
      stdoutVisibility: try arguments.value("--stdout-visibility", expected: choices, Visibility.init)
        ?? .visible)
    let optional = Exercise.optional.map(\.name).joined(separator: ",")
    options.optional = try arguments.value("--optional", expected: "optional exercises, e.g. \(optional)") { text in
      let names = text.split(separator: ",").map(String.init)
      let exercises = names.compactMap(Exercise.init(name:))
      return exercises.count == names.count && !names.isEmpty && exercises.allSatisfy(\.isOptional) ? exercises : nil
    } ?? []
    if arguments.has("--capstone"), !options.optional.contains(.ex5) { options.optional.append(.ex5) }
    options.notSubmitted = try arguments.value("--not-submitted", expected: "exercises, e.g. ex2,ex5") { text in
      let names = text.split(separator: ",").map(String.init)
      let exercises = names.compactMap(Exercise.init(name:))
      return exercises.count == names.count && !names.isEmpty ? exercises : nil
    } ?? []
    options.hiddenPath = arguments.values["--hidden"]
    options.hiddenVisibility =
      try arguments.value("--hidden-visibility", expected: choices, Visibility.init) ?? .afterDueDate
    options.runAs = arguments.values["--run-as"]
    return options
  }

  private static func benchOptions(_ arguments: Arguments) throws(UsageError) -> BenchOptions {
    var options = BenchOptions()
    options.steps = try arguments.integer("--steps", atLeast: 100) ?? options.steps
    options.runs = try arguments.integer("--runs", atLeast: 1) ?? options.runs
    if let workload = try arguments.value("--workload", expected: "mlp, rnn or deep", BenchWorkload.init(rawValue:)) {
      options.workloads = [workload]
    }
    return options
  }
}
