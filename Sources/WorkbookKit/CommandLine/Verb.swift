import Harness

/// The subcommands of `workbook`.
public enum Verb: String, CaseIterable, Sendable {
  case list, check, hint, watch, run, reset, grade, handout, autograder, bench, help
  /// The child side of isolated grading; not shown in the help.
  case observe = "__observe"

  /// "workbook check", as used in messages and usage lines.
  public var commandName: String { "workbook \(rawValue)" }

  /// The subcommands the help lists, in the order a student meets them.
  public static var visible: [Verb] { allCases.filter { $0 != .observe } }

  /// "ex1, ex2, ex3 or ex4", for messages about exercise arguments.
  static var exerciseChoices: String {
    let names = Exercise.allCases.map(\.name)
    return names.dropLast().joined(separator: ", ") + " or " + names.last!
  }
}

/// One option or flag of a subcommand, as the parser accepts it and the
/// help describes it: one declaration, so the two cannot drift apart.
public struct OptionSpec: Equatable, Sendable {
  /// "--steps".
  public var name: String
  /// "<n>" for an option that takes a value; nil for a flag.
  public var valueName: String?
  public var help: String
  /// Shown as "(default: …)" after the help.
  public var defaultText: String?

  public static func flag(_ name: String, _ help: String) -> OptionSpec {
    OptionSpec(name: name, valueName: nil, help: help, defaultText: nil)
  }

  public static func value(_ name: String, _ valueName: String, _ help: String, default defaultText: String? = nil)
    -> OptionSpec
  {
    OptionSpec(name: name, valueName: valueName, help: help, defaultText: defaultText)
  }

  public var takesValue: Bool { valueName != nil }
}

/// A positional argument of a subcommand.
public struct ArgumentSpec: Equatable, Sendable {
  /// "<exercise>".
  public var name: String
  public var help: String
  public var isOptional: Bool
}

/// Everything the parser and the help know about one subcommand.
public struct VerbSpec: Sendable {
  public var verb: Verb
  /// One line, shown in the subcommand list and as the OVERVIEW.
  public var summary: String
  /// Paragraphs after the summary in the subcommand's own help.
  public var discussion: String?
  public var arguments: [ArgumentSpec]
  public var options: [OptionSpec]

  public func option(named name: String) -> OptionSpec? { options.first { $0.name == name } }
}

extension Verb {
  /// "ex1 … ex4, or the optional ex5, ex7": the exercises an argument
  /// names, from the catalogue.
  static var exerciseRange: String {
    let core = Exercise.core.map(\.name), optional = Exercise.optional.map(\.name)
    let required = core.count > 2 ? "\(core[0]) … \(core[core.count - 1])" : core.joined(separator: ", ")
    return optional.isEmpty ? required : "\(required), or the optional \(optional.joined(separator: ", "))"
  }

  /// The declaration of this subcommand.
  public var spec: VerbSpec {
    let exercise = ArgumentSpec(name: "<exercise>", help: "\(Self.exerciseRange).", isOptional: false)
    let timeLimit = OptionSpec.value(
      "--time-limit", "<seconds>", "Seconds per check before it is stopped.", default: "30")
    switch self {
    case .list:
      return VerbSpec(
        verb: self, summary: "Show every exercise, its state and what to do next.",
        discussion: "This is what `workbook` does without a subcommand.", arguments: [], options: [])
    case .check:
      return VerbSpec(
        verb: self, summary: "Grade one exercise or all of them.",
        discussion: """
          Each exercise is built on its own and graded in child processes, so an
          exercise that does not compile, a crash or an endless loop costs only
          that exercise or check; the others are still graded.
          """,
        arguments: [ArgumentSpec(name: "<exercise>", help: "\(Self.exerciseRange) (default: all).", isOptional: true)],
        options: [timeLimit, .flag("--json", "Print the reports as JSON.")])
    case .hint:
      return VerbSpec(
        verb: self, summary: "Show the next hint for an exercise.",
        discussion: """
          Each time you ask, one more hint is shown, about the function whose
          check fails first in your code as it is now (the exercise is graded
          first); once every check passes, about the exercise's Challenge.
          The count is kept in .build/workbook-hints.json.
          """,
        arguments: [
          ArgumentSpec(
            name: "<exercise>", help: "\(Self.exerciseRange); not needed with --reset.", isOptional: true),
          ArgumentSpec(
            name: "<function>", help: "Hints about this function (e.g. clipGradNorm), or Challenge.", isOptional: true),
        ],
        options: [
          .flag("--all", "Show every hint for the exercise."),
          .flag("--reset", "Start the hints over (for one exercise, or all)."),
        ])
    case .watch:
      return VerbSpec(
        verb: self, summary: "Re-grade every time you save a file in Exercises/.",
        discussion: """
          Rebuilds with `swift build` after each change and grades the
          exercises it touches. Press Ctrl-C to stop.
          """,
        arguments: [], options: [timeLimit])
    case .run:
      return VerbSpec(
        verb: self, summary: "Run an exercise's demo on your code or the reference.",
        discussion: """
          Your code in Exercises/ runs when it is implemented; otherwise the
          reference solution runs and a banner says so.
          """,
        arguments: [exercise],
        options: [
          .flag("--reference", "Run the reference solution."),
          .flag("--mine", "Run your code, and stop if it is not implemented yet."),
          .value("--seed", "<n>", "Seed for data, weights and order.", default: "1"),
          .value("--seeds", "<list>", "Run once per seed (1-20 or 1,2,5) and summarise."),
          .value("--steps", "<n>", "Optimizer steps to train."),
          .value("--lr", "<x>", "Learning rate."),
          .value("--threshold", "<x>", "Clipping threshold (maxNorm, or clipValue for ex2)."),
          .value("--accumulation-steps", "<k>", "Micro-batches per optimizer step (ex3 … ex6)."),
          .flag("--sweep", "Try several thresholds and print a table (ex1)."),
          .value("--lrs", "<list>", "Learning rates to try with and without clipping, like 0.01,0.1 (ex1)."),
          .value("--momentum", "<x>", "SGD momentum (ex1)."),
          .value("--length", "<T>", "Length T of the sequences (ex1).", default: "10"),
          .value("--hidden", "<n>", "Hidden size of the RNN (ex1).", default: "64"),
          .flag("--outliers", "Train on regression with outliers instead of the RNN (ex2)."),
          .flag("--no-scaling", "Do not divide the loss, to see what goes wrong (ex3)."),
          .flag("--clip-contributions", "Add a run that clips each micro-batch's gradient, then adds (ex4)."),
          .value("--init-scale", "<x>", "The loss scaler's first scale (ex5).", default: "65536"),
          .value("--growth-interval", "<n>", "Clean steps before the scale doubles (ex5).", default: "20"),
          .flag("--clip-before-unscale", "Show what clipping before unscaling does (ex5)."),
          .value("--norm", "<kind>", "Only accumulation with batch or layer norm (ex6)."),
          .value("--clipping", "<λ>", "AGC's largest ‖grad‖ / ‖w‖ per unit (ex7).", default: "0.01"),
          .value("--svg", "<file>", "Save the chart as SVG."),
          .value("--csv", "<file>", "Save the per-step numbers as CSV."),
          .flag("--color", "Use colours even when not writing to a terminal."),
          .flag("--no-color", "Never use colours."),
        ])
    case .grade:
      return VerbSpec(
        verb: self, summary: "Write a grading report for a course autograder.",
        discussion: """
          Exercises 1 to 4 are worth 25 points each, shared among their
          checks in eighths of a point, so every total is exact. The
          optional exercises count only when asked for: --capstone adds
          ex5, --optional ex6,ex7 the labs, --optional ex5,ex6,ex7 all three
          (25 points each, out of 125 to 175). With --hidden, every check
          whose scenarios depend on seeds runs on the seeds drawn when the
          autograder was made instead of the public ones. The scores are
          printed as a table, and written to the files asked for. The exit
          code is 0 whenever the report was written, whatever the score.
          """,
        arguments: [],
        options: [
          .value("--json", "<file>", "Write Gradescope's results.json to this file."),
          .value("--junit", "<file>", "Write a JUnit XML report to this file."),
          .value(
            "--visibility", "<when>",
            "When students see the results.json's tests: visible, hidden, after_due_date or after_published.",
            default: "visible"),
          .value(
            "--stdout-visibility", "<when>", "When students see the autograder's output, with the same choices.",
            default: "visible"),
          .flag("--capstone", "Grade the optional capstone, ex5, too."),
          .value("--optional", "<exercises>", "Optional exercises to grade too, e.g. ex5,ex6 (25 points each)."),
          .value(
            "--not-submitted", "<exercises>",
            "Exercises whose file was not submitted, e.g. ex2,ex5: each scores 0 as not submitted."),
          .value("--hidden", "<folder>", "An autograder's hidden scenarios (written by `workbook autograder`)."),
          .value(
            "--hidden-visibility", "<when>", "When students see the checks graded on hidden scenarios.",
            default: "after_due_date"),
          .value("--run-as", "<user>", "Run the students' code as this user (needs root)."),
          timeLimit,
        ])
    case .reset:
      return VerbSpec(
        verb: self, summary: "Put an exercise's file back as it was shipped.",
        discussion: """
          Your version is kept under .build/workbook-backups/ first. Asks
          before it changes anything, unless given --yes.
          """,
        arguments: [exercise],
        options: [.flag("--yes", "Reset without asking.")])
    case .handout:
      return VerbSpec(
        verb: self, summary: "Write a student copy of the workbook, without the answers.",
        discussion: """
          The copy has no Solutions/ and none of the tests that hold the
          reference or near copies of it; it builds, tests and runs on its
          own. The folder must not exist yet; its parent must.
          """,
        arguments: [ArgumentSpec(name: "<folder>", help: "Where to write the copy.", isOptional: false)],
        options: [])
    case .autograder:
      return VerbSpec(
        verb: self, summary: "Write a Gradescope autograder folder and its .zip.",
        discussion: """
          The folder holds setup.sh (installs Swift \(Toolchain.swiftVersion) on Gradescope's Ubuntu
          image and checks its signature), run_autograder and a student copy
          of the workbook. The zip beside it is what Gradescope takes.
          """,
        arguments: [ArgumentSpec(name: "<folder>", help: "Where to write the autograder.", isOptional: false)],
        options: [])
    case .bench:
      return VerbSpec(
        verb: self, summary: "Time the autograd engine on three workloads.",
        discussion: """
          Workloads: mlp (MLP 2-64-64-3 on spirals, batch 256), rnn (Elman RNN,
          hidden 64, adding problem T = 50, 4 micro-batches of 16) and deep
          (MLP with 16 hidden layers of width 32, batch 128). Each step clips
          the gradient norm to 1 and takes an SGD step. For representative
          figures: `swift run -c release workbook bench`.

          When python3 can import torch, bench/pytorch_reference.py then times
          the same workloads and each ratio is against its figure; otherwise
          the output says that PyTorch was not measured.
          """,
        arguments: [],
        options: [
          .value("--steps", "<n>", "Timed steps per run, at least 100.", default: "200"),
          .value("--runs", "<n>", "Runs per workload.", default: "3"),
          .value("--workload", "<name>", "Only this workload: mlp, rnn or deep."),
        ])
    case .help:
      return VerbSpec(
        verb: self, summary: "Show help for a subcommand.", discussion: nil,
        arguments: [ArgumentSpec(name: "<subcommand>", help: "The subcommand to describe.", isOptional: true)],
        options: [])
    case .observe:
      return VerbSpec(
        verb: self, summary: "Run one exercise's code for the judge (used by check and grade).",
        discussion: """
          Reads the judge's requests on standard input, one JSON object a
          line, and answers each with what the code did. The code's own
          output goes to standard error.
          """,
        arguments: [exercise], options: [])
    }
  }
}
