import Foundation
import Testing
@testable import WorkbookKit
@testable import StudentCommands
@testable import InstructorCommands
@testable import WorkbookCommand
@testable import Judge
import Harness

/// A command line and the command it must parse to.
struct ParseCase: CustomTestStringConvertible, Sendable {
  var arguments: [String]
  var expected: Command
  var testDescription: String { "workbook " + arguments.joined(separator: " ") }

  init(_ arguments: [String], _ expected: Command) {
    self.arguments = arguments
    self.expected = expected
  }
}

/// A command line that must be refused, and the error naming the culprit.
struct BadUsage: CustomTestStringConvertible, Sendable {
  var arguments: [String]
  var expected: UsageError
  var testDescription: String { "workbook " + arguments.joined(separator: " ") }

  init(_ arguments: [String], _ expected: UsageError) {
    self.arguments = arguments
    self.expected = expected
  }
}

private func demo(_ change: (inout DemoOptions) -> Void) -> DemoOptions {
  var options = DemoOptions()
  change(&options)
  return options
}

@Suite("Parsing the command line")
struct ArgumentParsingTests {
  static let valid: [ParseCase] = [
    ParseCase([], .list),
    ParseCase(["list"], .list),
    ParseCase(["--help"], .help(nil)),
    ParseCase(["-h"], .help(nil)),
    ParseCase(["help"], .help(nil)),
    ParseCase(["help", "run"], .help(.run)),
    ParseCase(["check", "--help"], .help(.check)),
    ParseCase(["run", "ex9", "-h"], .help(.run)),
    ParseCase(["check"], .check(CheckOptions())),
    ParseCase(["check", "ex2"], .check(CheckOptions(exercise: .ex2))),
    ParseCase(["check", "3", "--json"], .check(CheckOptions(exercise: .ex3, json: true))),
    ParseCase(["check", "--time-limit", "2.5"], .check(CheckOptions(timeLimit: 2.5))),
    ParseCase(["check", "--time-limit=4", "ex1"], .check(CheckOptions(exercise: .ex1, timeLimit: 4))),
    ParseCase(["hint", "ex3"], .hint(HintOptions(exercise: .ex3))),
    ParseCase(["hint", "ex3", "--all"], .hint(HintOptions(exercise: .ex3, all: true))),
    ParseCase(["hint", "ex3", "--reset"], .hint(HintOptions(exercise: .ex3, reset: true))),
    ParseCase(["hint", "--reset"], .hint(HintOptions(exercise: nil, reset: true))),
    ParseCase(["watch"], .watch(WatchOptions())),
    ParseCase(["watch", "--time-limit", "10"], .watch(WatchOptions(timeLimit: 10))),
    ParseCase(["run", "ex1"], .run(RunOptions(exercise: .ex1))),
    ParseCase(["run", "ex1", "--reference"], .run(RunOptions(exercise: .ex1, source: .reference))),
    ParseCase(["run", "ex2", "--mine", "--no-color"], .run(RunOptions(exercise: .ex2, source: .mine, color: false))),
    ParseCase(
      ["run", "ex1", "--seed", "7", "--steps", "50", "--lr", "0.05", "--threshold", "2", "--sweep", "--momentum", "0.9"],
      .run(
        RunOptions(
          exercise: .ex1,
          demo: demo {
            $0.seed = 7
            $0.steps = 50
            $0.learningRate = 0.05
            $0.threshold = 2
            $0.sweep = true
            $0.momentum = 0.9
          }))),
    ParseCase(
      ["run", "ex3", "--accumulation-steps", "4", "--no-scaling", "--svg", "loss.svg", "--csv=loss.csv", "--color"],
      .run(
        RunOptions(
          exercise: .ex3, color: true,
          demo: demo {
            $0.accumulationSteps = 4
            $0.noScaling = true
            $0.svgPath = "loss.svg"
            $0.csvPath = "loss.csv"
          }))),
    ParseCase(["run", "--", "ex4"], .run(RunOptions(exercise: .ex4))),
    ParseCase(
      ["run", "ex1", "--lrs", "0.3,0.01,0.1"], .run(RunOptions(exercise: .ex1, demo: demo { $0.learningRates = [0.01, 0.1, 0.3] }))),
    ParseCase(["run", "ex2", "--outliers"], .run(RunOptions(exercise: .ex2, demo: demo { $0.outliers = true }))),
    ParseCase(
      ["run", "ex4", "--clip-contributions"], .run(RunOptions(exercise: .ex4, demo: demo { $0.clipContributions = true }))),
    ParseCase(["grade"], .grade(GradeOptions())),
    ParseCase(
      ["grade", "--json", "results.json", "--junit", "report.xml"],
      .grade(GradeOptions(jsonPath: "results.json", junitPath: "report.xml"))),
    ParseCase(
      ["grade", "--json", "results.json", "--visibility", "after_due_date", "--stdout-visibility=hidden"],
      .grade(GradeOptions(jsonPath: "results.json", visibility: .afterDueDate, stdoutVisibility: .hidden))),
    ParseCase(["bench"], .bench(BenchOptions())),
    ParseCase(["bench", "--steps", "100", "--runs", "1"], .bench(BenchOptions(steps: 100, runs: 1))),
    ParseCase(["bench", "--workload", "rnn"], .bench(BenchOptions(workloads: [.rnn]))),
    ParseCase(["__observe", "ex2"], .observe(.ex2)),
  ]

  @Test("A valid command line parses to its command", arguments: valid)
  func parsesValid(_ parse: ParseCase) throws {
    #expect(try Command.parse(parse.arguments) == parse.expected)
  }

  static let invalid: [BadUsage] = [
    BadUsage(["chek"], .unknownSubcommand("chek", suggestion: "check")),
    BadUsage(["frobnicate"], .unknownSubcommand("frobnicate", suggestion: nil)),
    BadUsage(["--json"], .unknownSubcommand("--json", suggestion: nil)),
    BadUsage(["help", "wach"], .unknownSubcommand("wach", suggestion: "watch")),
    BadUsage(["list", "ex1"], .unexpectedArgument("ex1", verb: .list)),
    BadUsage(["check", "ex9"], .unknownExercise("ex9", verb: .check)),
    BadUsage(["check", "ex1", "ex2"], .unexpectedArgument("ex2", verb: .check)),
    BadUsage(["check", "--jsn"], .unknownOption("--jsn", verb: .check, suggestion: "--json")),
    BadUsage(["check", "--time-limit"], .missingValue(option: "--time-limit", verb: .check)),
    BadUsage(["check", "--time-limit", "--json"], .missingValue(option: "--time-limit", verb: .check)),
    BadUsage(
      ["check", "--time-limit", "0"],
      .invalidValue(option: "--time-limit", value: "0", expected: "a number > 0", verb: .check)),
    BadUsage(["check", "--json=yes"], .flagTakesNoValue(option: "--json", verb: .check)),
    BadUsage(["hint"], .missingArgument("<exercise>", verb: .hint)),
    BadUsage(["hint", "ex1", "--all", "--reset"], .conflictingOptions("--all", "--reset", verb: .hint)),
    BadUsage(["watch", "ex1"], .unexpectedArgument("ex1", verb: .watch)),
    BadUsage(["run"], .missingArgument("<exercise>", verb: .run)),
    BadUsage(["run", "ex1", "--stpes", "3"], .unknownOption("--stpes", verb: .run, suggestion: "--steps")),
    BadUsage(["run", "ex1", "-x"], .unknownOption("-x", verb: .run, suggestion: nil)),
    BadUsage(["run", "ex1", "--reference", "--mine"], .conflictingOptions("--reference", "--mine", verb: .run)),
    BadUsage(["run", "ex1", "--color", "--no-color"], .conflictingOptions("--color", "--no-color", verb: .run)),
    BadUsage(
      ["run", "ex1", "--steps", "0"],
      .invalidValue(option: "--steps", value: "0", expected: "a whole number ≥ 1", verb: .run)),
    BadUsage(
      ["run", "ex1", "--seed", "-1"],
      .invalidValue(option: "--seed", value: "-1", expected: "a whole number ≥ 0", verb: .run)),
    BadUsage(
      ["run", "ex1", "--lr", "fast"], .invalidValue(option: "--lr", value: "fast", expected: "a number > 0", verb: .run)),
    BadUsage(
      ["run", "ex1", "--momentum", "1"],
      .invalidValue(option: "--momentum", value: "1", expected: "a number in [0, 1)", verb: .run)),
    BadUsage(["run", "ex1", "--svg="], .missingValue(option: "--svg", verb: .run)),
    BadUsage(
      ["run", "ex2", "--sweep"], .notApplicable(option: "--sweep", exercise: "ex2", appliesTo: "ex1", verb: .run)),
    BadUsage(
      ["run", "ex1", "--accumulation-steps", "4"],
      .notApplicable(option: "--accumulation-steps", exercise: "ex1", appliesTo: "ex3, ex4, ex5 and ex6", verb: .run)),
    BadUsage(
      ["run", "ex2", "--lrs", "0.01,0.1"],
      .notApplicable(option: "--lrs", exercise: "ex2", appliesTo: "ex1", verb: .run)),
    BadUsage(
      ["run", "ex1", "--outliers"], .notApplicable(option: "--outliers", exercise: "ex1", appliesTo: "ex2", verb: .run)),
    BadUsage(
      ["run", "ex3", "--clip-contributions"],
      .notApplicable(option: "--clip-contributions", exercise: "ex3", appliesTo: "ex4", verb: .run)),
    BadUsage(
      ["run", "ex4", "--no-scaling"],
      .notApplicable(option: "--no-scaling", exercise: "ex4", appliesTo: "ex3", verb: .run)),
    BadUsage(["grade", "--json"], .missingValue(option: "--json", verb: .grade)),
    BadUsage(["grade", "ex1"], .unexpectedArgument("ex1", verb: .grade)),
    BadUsage(
      ["grade", "--visibility", "later"],
      .invalidValue(
        option: "--visibility", value: "later", expected: "visible, hidden, after_due_date or after_published",
        verb: .grade)),
    BadUsage(
      ["bench", "--steps", "50"],
      .invalidValue(option: "--steps", value: "50", expected: "a whole number ≥ 100", verb: .bench)),
    BadUsage(
      ["bench", "--workload", "cnn"],
      .invalidValue(option: "--workload", value: "cnn", expected: "mlp, rnn or deep", verb: .bench)),
    BadUsage(["__observe"], .missingArgument("<exercise>", verb: .observe)),
  ]

  @Test("A bad command line is refused with an error naming the token", arguments: invalid)
  func refusesInvalid(_ bad: BadUsage) {
    #expect(throws: bad.expected) { try Command.parse(bad.arguments) }
  }

  @Test(
    "A bad command line exits with code 2 after an error and the usage",
    arguments: [
      (["chek"], "error: unknown subcommand 'chek'. Did you mean 'check'?"),
      (["run"], "error: which exercise? Add ex1, ex2, ex3, ex4, ex5, ex6 or ex7."),
      (["check", "--jsn"], "error: unknown option '--jsn' for 'workbook check'. Did you mean '--json'?"),
      (
        ["grade", "--stdout-visibility", "soon"],
        "error: 'soon' is not a valid value for '--stdout-visibility': expected visible,\n"
          + "hidden, after_due_date or after_published."
      ),
    ])
  func badUsageExitCode(_ arguments: [String], _ message: String) {
    var written: [String] = []
    #expect(WorkbookCommand.run(arguments, width: 80, errorLine: { written.append($0) }) == .usage)
    let lines = message.split(separator: "\n").count
    #expect(written.prefix(lines).joined(separator: "\n") == message)
    #expect(written.flatMap { $0.split(separator: "\n") }.allSatisfy { $0.count <= 80 })
    #expect(written.dropFirst(lines).first?.hasPrefix("USAGE: workbook") == true)
  }

  @Test(
    "Error messages are one line that names the bad token",
    arguments: [
      (UsageError.unknownSubcommand("chek", suggestion: "check"), "unknown subcommand 'chek'. Did you mean 'check'?"),
      (.unknownOption("--stpes", verb: .run, suggestion: "--steps"),
        "unknown option '--stpes' for 'workbook run'. Did you mean '--steps'?"),
      (.unknownExercise("ex9", verb: .check), "no exercise 'ex9': choose ex1, ex2, ex3, ex4, ex5, ex6 or ex7."),
      (.missingArgument("<exercise>", verb: .run), "which exercise? Add ex1, ex2, ex3, ex4, ex5, ex6 or ex7."),
      (.invalidValue(option: "--lr", value: "fast", expected: "a number > 0", verb: .run),
        "'fast' is not a valid value for '--lr': expected a number > 0."),
      (.notApplicable(option: "--sweep", exercise: "ex2", appliesTo: "ex1", verb: .run),
        "'--sweep' does not apply to ex2: it is for ex1."),
    ])
  func messages(_ error: UsageError, _ message: String) {
    #expect(error.message == message)
  }

  @Test(
    "Edit distance counts insertions, deletions and substitutions",
    arguments: [("check", "chek", 1), ("watch", "wach", 1), ("", "run", 3), ("steps", "steps", 0), ("run", "", 3)])
  func editDistance(_ a: String, _ b: String, _ distance: Int) {
    #expect(Arguments.editDistance(a, b) == distance)
  }
}
