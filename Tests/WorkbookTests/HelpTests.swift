import Testing
@testable import WorkbookKit
@testable import StudentCommands
@testable import InstructorCommands
@testable import WorkbookCommand
@testable import Judge
import Harness

/// The help texts, word for word: a change to one is a change to what
/// students and instructors read, and should be seen in review.
@Suite("Help texts")
struct HelpTests {
  @Test("workbook --help lists the subcommands")
  func root() {
    #expect(
      Help.root == """
        OVERVIEW: Exercises on gradient clipping and gradient accumulation, graded as
        you go.

        Start with `swift run workbook`, which lists the exercises and says what to do
        next.

        USAGE: workbook [<subcommand>]

        OPTIONS:
          -h, --help              Show help information.

        SUBCOMMANDS:
          list (default)          Show every exercise, its state and what to do next.
          check                   Grade one exercise or all of them.
          hint                    Show the next hint for an exercise.
          watch                   Re-grade every time you save a file in Exercises/.
          run                     Run an exercise's demo on your code or the reference.
          reset                   Put an exercise's file back as it was shipped.
          grade                   Write a grading report for a course autograder.
          handout                 Write a student copy of the workbook, without the
                                  answers.
          autograder              Write a Gradescope autograder folder and its .zip.
          bench                   Time the autograd engine on three workloads.
          help                    Show help for a subcommand.

          See 'workbook help <subcommand>' for detailed help.
        """)
  }

  @Test("workbook list --help")
  func list() {
    #expect(
      Help.text(for: .list) == """
        OVERVIEW: Show every exercise, its state and what to do next.

        This is what `workbook` does without a subcommand.

        USAGE: workbook list

        OPTIONS:
          -h, --help              Show help information.
        """)
  }

  @Test("workbook check --help")
  func check() {
    #expect(
      Help.text(for: .check) == """
        OVERVIEW: Grade one exercise or all of them.

        Each exercise is built on its own and graded in child processes, so an
        exercise that does not compile, a crash or an endless loop costs only
        that exercise or check; the others are still graded.

        USAGE: workbook check [<exercise>] [--time-limit <seconds>] [--json]

        ARGUMENTS:
          <exercise>              ex1 … ex4, or the optional ex5, ex6, ex7 (default:
                                  all).

        OPTIONS:
          --time-limit <seconds>  Seconds per check before it is stopped. (default: 30)
          --json                  Print the reports as JSON.
          -h, --help              Show help information.
        """)
  }

  @Test("workbook hint --help")
  func hint() {
    #expect(
      Help.text(for: .hint) == """
        OVERVIEW: Show the next hint for an exercise.

        Each time you ask, one more hint is shown, about the function whose
        check fails first in your code as it is now (the exercise is graded
        first); once every check passes, about the exercise's Challenge.
        The count is kept in .build/workbook-hints.json.

        USAGE: workbook hint [<exercise>] [<function>] [--all] [--reset]

        ARGUMENTS:
          <exercise>              ex1 … ex4, or the optional ex5, ex6, ex7; not needed
                                  with --reset.
          <function>              Hints about this function (e.g. clipGradNorm), or
                                  Challenge.

        OPTIONS:
          --all                   Show every hint for the exercise.
          --reset                 Start the hints over (for one exercise, or all).
          -h, --help              Show help information.
        """)
  }

  @Test("workbook watch --help")
  func watch() {
    #expect(
      Help.text(for: .watch) == """
        OVERVIEW: Re-grade every time you save a file in Exercises/.

        Rebuilds with `swift build` after each change and grades the
        exercises it touches. Press Ctrl-C to stop.

        USAGE: workbook watch [--time-limit <seconds>]

        OPTIONS:
          --time-limit <seconds>  Seconds per check before it is stopped. (default: 30)
          -h, --help              Show help information.
        """)
  }

  @Test("workbook run --help")
  func run() {
    #expect(
      Help.text(for: .run) == """
        OVERVIEW: Run an exercise's demo on your code or the reference.

        Your code in Exercises/ runs when it is implemented; otherwise the
        reference solution runs and a banner says so.

        USAGE: workbook run <exercise> [--reference] [--mine] [--seed <n>]
                            [--seeds <list>] [--steps <n>] [--lr <x>] [--threshold <x>]
                            [--accumulation-steps <k>] [--sweep] [--lrs <list>]
                            [--momentum <x>] [--length <T>] [--hidden <n>] [--outliers]
                            [--no-scaling] [--clip-contributions] [--init-scale <x>]
                            [--growth-interval <n>] [--clip-before-unscale]
                            [--norm <kind>] [--clipping <λ>] [--svg <file>]
                            [--csv <file>] [--color] [--no-color]

        ARGUMENTS:
          <exercise>              ex1 … ex4, or the optional ex5, ex6, ex7.

        OPTIONS:
          --reference             Run the reference solution.
          --mine                  Run your code, and stop if it is not implemented yet.
          --seed <n>              Seed for data, weights and order. (default: 1)
          --seeds <list>          Run once per seed (1-20 or 1,2,5) and summarise.
          --steps <n>             Optimizer steps to train.
          --lr <x>                Learning rate.
          --threshold <x>         Clipping threshold (maxNorm, or clipValue for ex2).
          --accumulation-steps <k>
                                  Micro-batches per optimizer step (ex3 … ex6).
          --sweep                 Try several thresholds and print a table (ex1).
          --lrs <list>            Learning rates to try with and without clipping, like
                                  0.01,0.1 (ex1).
          --momentum <x>          SGD momentum (ex1).
          --length <T>            Length T of the sequences (ex1). (default: 10)
          --hidden <n>            Hidden size of the RNN (ex1). (default: 64)
          --outliers              Train on regression with outliers instead of the RNN
                                  (ex2).
          --no-scaling            Do not divide the loss, to see what goes wrong (ex3).
          --clip-contributions    Add a run that clips each micro-batch's gradient, then
                                  adds (ex4).
          --init-scale <x>        The loss scaler's first scale (ex5). (default: 65536)
          --growth-interval <n>   Clean steps before the scale doubles (ex5). (default:
                                  20)
          --clip-before-unscale   Show what clipping before unscaling does (ex5).
          --norm <kind>           Only accumulation with batch or layer norm (ex6).
          --clipping <λ>          AGC's largest ‖grad‖ / ‖w‖ per unit (ex7). (default:
                                  0.01)
          --svg <file>            Save the chart as SVG.
          --csv <file>            Save the per-step numbers as CSV.
          --color                 Use colours even when not writing to a terminal.
          --no-color              Never use colours.
          -h, --help              Show help information.
        """)
  }

  @Test("workbook grade --help")
  func grade() {
    #expect(
      Help.text(for: .grade) == """
        OVERVIEW: Write a grading report for a course autograder.

        Exercises 1 to 4 are worth 25 points each, shared among their
        checks in eighths of a point, so every total is exact. The
        optional exercises count only when asked for: --capstone adds
        ex5, --optional ex6,ex7 the labs, --optional ex5,ex6,ex7 all three
        (25 points each, out of 125 to 175). With --hidden, every check
        whose scenarios depend on seeds runs on the seeds drawn when the
        autograder was made instead of the public ones. The scores are
        printed as a table, and written to the files asked for. The exit
        code is 0 whenever the report was written, whatever the score.

        USAGE: workbook grade [--json <file>] [--junit <file>] [--visibility <when>]
                              [--stdout-visibility <when>] [--capstone]
                              [--optional <exercises>] [--not-submitted <exercises>]
                              [--hidden <folder>] [--hidden-visibility <when>]
                              [--run-as <user>] [--time-limit <seconds>]

        OPTIONS:
          --json <file>           Write Gradescope's results.json to this file.
          --junit <file>          Write a JUnit XML report to this file.
          --visibility <when>     When students see the results.json's tests: visible,
                                  hidden, after_due_date or after_published. (default:
                                  visible)
          --stdout-visibility <when>
                                  When students see the autograder's output, with the
                                  same choices. (default: visible)
          --capstone              Grade the optional capstone, ex5, too.
          --optional <exercises>  Optional exercises to grade too, e.g. ex5,ex6 (25
                                  points each).
          --not-submitted <exercises>
                                  Exercises whose file was not submitted, e.g. ex2,ex5:
                                  each scores 0 as not submitted.
          --hidden <folder>       An autograder's hidden scenarios (written by `workbook
                                  autograder`).
          --hidden-visibility <when>
                                  When students see the checks graded on hidden
                                  scenarios. (default: after_due_date)
          --run-as <user>         Run the students' code as this user (needs root).
          --time-limit <seconds>  Seconds per check before it is stopped. (default: 30)
          -h, --help              Show help information.
        """)
  }

  @Test("workbook bench --help")
  func bench() {
    #expect(
      Help.text(for: .bench) == """
        OVERVIEW: Time the autograd engine on three workloads.

        Workloads: mlp (MLP 2-64-64-3 on spirals, batch 256), rnn (Elman RNN,
        hidden 64, adding problem T = 50, 4 micro-batches of 16) and deep
        (MLP with 16 hidden layers of width 32, batch 128). Each step clips
        the gradient norm to 1 and takes an SGD step. For representative
        figures: `swift run -c release workbook bench`.

        When python3 can import torch, bench/pytorch_reference.py then times
        the same workloads and each ratio is against its figure; otherwise
        the output says that PyTorch was not measured.

        USAGE: workbook bench [--steps <n>] [--runs <n>] [--workload <name>]

        OPTIONS:
          --steps <n>             Timed steps per run, at least 100. (default: 200)
          --runs <n>              Runs per workload. (default: 3)
          --workload <name>       Only this workload: mlp, rnn or deep.
          -h, --help              Show help information.
        """)
  }

  @Test("workbook help --help")
  func help() {
    #expect(
      Help.text(for: .help) == """
        OVERVIEW: Show help for a subcommand.

        USAGE: workbook help [<subcommand>]

        ARGUMENTS:
          <subcommand>            The subcommand to describe.

        OPTIONS:
          -h, --help              Show help information.
        """)
  }

  @Test("The line under a usage error is short", arguments: [Verb.run, .check, .list])
  func errorFooter(_ verb: Verb) {
    let expected: [Verb: String] = [
      .run: "USAGE: workbook run <exercise> [<options>]\nSee 'workbook run --help' for more.",
      .check: "USAGE: workbook check [<exercise>] [<options>]\nSee 'workbook check --help' for more.",
      .list: "USAGE: workbook list\nSee 'workbook list --help' for more.",
    ]
    #expect(Help.errorFooter(for: verb) == expected[verb])
  }

  @Test("Every help line fits in 80 columns", arguments: Verb.allCases)
  func width(_ verb: Verb) {
    for line in (Help.text(for: verb) + "\n" + Help.root).split(separator: "\n") {
      #expect(line.count <= 80, "\(line)")
    }
  }

  @Test("The hidden grading subcommand is not listed")
  func hiddenVerb() {
    #expect(!Help.root.contains("__grade"))
  }
}
