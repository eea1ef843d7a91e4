import Foundation
import Testing
@testable import WorkbookKit
@testable import StudentCommands
@testable import InstructorCommands
@testable import WorkbookCommand
@testable import Judge
import Harness

/// Every screen the workbook prints, rendered at a given width with the
/// real check sentences, hints and help, for the 80-column limit.
enum Screen: String, CaseIterable, Sendable, CustomTestStringConvertible {
  case listStubs, listProgress, listAllDone
  case checkAll, checkEach, checkNotCompiling
  case watch, hints, grade, help, usageErrors, failures, bench, notImplementedBanner

  var testDescription: String { rawValue }

  func lines(width: Int) -> [String] {
    let paint = Paint(enabled: true)
    switch self {
    case .listStubs:
      return ListCommand.render(WidthFixtures.stubs, paint: paint, width: width)
    case .listProgress:
      return ListCommand.render(WidthFixtures.inProgress, paint: paint, width: width)
    case .listAllDone:
      return ListCommand.render(WidthFixtures.passing, paint: paint, width: width)
    case .checkAll:
      return [WidthFixtures.stubs, WidthFixtures.inProgress, WidthFixtures.passing].flatMap { reports in
        reports.flatMap { ReportText.overview($0, paint: paint, width: width) }
          + CheckCommand.summary(reports, checking: nil, paint: paint, width: width)
      }
    case .checkEach:
      return (WidthFixtures.stubs + WidthFixtures.inProgress + WidthFixtures.passing).flatMap { report in
        ReportText.detailed(report, paint: paint, width: width)
          + CheckCommand.summary([report], checking: report.exercise, paint: paint, width: width)
      }
    case .checkNotCompiling:
      let report = WidthFixtures.notCompiling
      return ReportText.overview(report, paint: paint, width: width)
        + CheckCommand.summary([report], checking: report.exercise, paint: paint, width: width)
        + ListCommand.render([report], paint: paint, width: width)
    case .watch:
      return WatchCommand.header(paint: paint, width: width)
        + [WidthFixtures.stubs, WidthFixtures.inProgress, WidthFixtures.passing, [WidthFixtures.notCompiling]]
        .flatMap { WatchCommand.screen($0, paint: paint, width: width) }
        + WatchCommand.footer(Exercise.ex4.sourceFile, time: "10:42:07 PM", paint: paint, width: width)
    case .hints:
      return Exercise.allCases.flatMap { exercise -> [String] in
        let groups = Hints.groups(for: exercise) + [Hints.challenge(for: exercise)]
        return groups.flatMap { group in
          group.hints.indices.flatMap {
            HintCommand.render(exercise, group, index: $0, paint: paint, width: width)
          }
        } + HintCommand.renderAll(exercise, groups, paint: paint, width: width)
      }
    case .grade:
      return [WidthFixtures.stubs, WidthFixtures.inProgress, WidthFixtures.passing].flatMap { reports in
        GradeCommand.output(reports, files: ["autograder/results/results.json", "junit.xml"], width: width)
      }
    case .help:
      return ([Help.root(width: width)] + Verb.allCases.map { Help.text(for: $0, width: width) })
        .flatMap { $0.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) }
    case .usageErrors:
      let commands = [
        ["chek"], ["run"], ["check", "--jsn"], ["grade", "--stdout-visibility", "soon"],
        ["run", "ex3", "--sweep"], ["run", "ex1", "--momentum", "1.5"], ["hint", "--all", "--reset"],
      ]
      var written: [String] = []
      for arguments in commands {
        _ = WorkbookCommand.run(arguments, width: width, errorLine: { written.append($0) })
      }
      return written.flatMap { $0.split(separator: "\n").map(String.init) }
    case .failures:
      var written: [String] = []
      for arguments in [["grade", "--json", "no-such-folder/results.json"], ["__observe", "ex1"]] {
        _ = WorkbookCommand.run(arguments, width: width, errorLine: { written.append($0) })
      }
      return written
    case .bench:
      let rows = BenchWorkload.allCases.map { ($0, [1.234, 11.5, 123.4]) }
      let measured = PyTorchTimes.Outcome.measured(
        [.mlp: 1.2, .rnn: 20, .deep: 3.1], title: "PyTorch 2.4.1, 1 thread, float64")
      let absent = PyTorchTimes.Outcome.notMeasured(
        "python3 cannot import what bench/pytorch_reference.py needs (No module named 'torch')")
      return BenchCommand.header(BenchOptions(), paint: paint, width: width)
        + [measured, absent].flatMap { outcome in
          BenchCommand.table(rows, runs: 3, pytorch: outcome, width: width).render().split(separator: "\n")
            .map(String.init) + BenchCommand.footer(outcome, width: width)
        }
        + BenchCommand.legend(BenchWorkload.allCases, width: width)
    case .notImplementedBanner:
      return Exercise.allCases.flatMap { exercise in
        [true, false].flatMap {
          TextWrap.wrap(RunCommand.notImplementedMessage(exercise, "TODO", showingReference: $0), width: width)
        }
      }
    }
  }
}

/// Reports with the workbook's real check sentences and the kinds of
/// messages graders and the runtime produce.
enum WidthFixtures {
  static func report(_ exercise: Exercise, _ status: (Int) -> CheckResult.Status, message: (Int) -> String)
    -> ExerciseReport
  {
    ExerciseReport(
      exercise: exercise,
      results: Grader.checks(exercise).enumerated().map { index, check in
        CheckResult(
          exercise: exercise, check: check.id, title: check.title, status: status(index), message: message(index))
      },
      notes: exercise == .ex4 ? ["Your loop also passes with your own clipGradNorm from exercise 1."] : [])
  }

  static func stubMessage(_ exercise: Exercise) -> String {
    "trainWithAccumulationAndClipping is not implemented yet: fill in TODO(\(exercise.name)) in \(exercise.sourceFile)."
  }

  static let stubs = Exercise.allCases.map { exercise in
    report(exercise, { _ in .notImplemented }, message: { _ in stubMessage(exercise) })
  }

  static let passing = Exercise.allCases.map { report($0, { _ in .passed }, message: { _ in "ok" }) }

  /// Every status but "does not compile" in turn, with long diagnoses.
  static let inProgress = Exercise.allCases.map { exercise in
    let statuses: [CheckResult.Status] = [.passed, .failed, .crashed, .timedOut, .tampered, .notImplemented]
    return report(
      exercise, { statuses[$0 % statuses.count] },
      message: { index in
        "At optimizer step \(index + 1) (micro-batches 1–4 of 4), the gradient step() used matches what happens when "
          + "the gradient is the sum of the 4 micro-batch gradients, 4× the large-batch gradient.\n"
          + "This looks like mistake 1, “The loss is not divided”. Read \(exercise.guideFile):236 (“The loss is not "
          + "divided”).\nFatal error: Index out of range at \(exercise.sourceFile):72"
      })
  }

  static let notCompiling = RunnerBuild.notCompiling(
    .ex3,
    errors: [
      [
        "Exercises/ex3-gradient-accumulation/GradientAccumulation.swift:70:11: error: cannot find 'microBatchLoss' in "
          + "scope",
        " 70 |     try microBatchLoss.backward()",
        "    |           `- error: cannot find 'microBatchLoss' in scope",
      ]
    ], log: "")
}

@Suite("Every line fits the width")
struct WidthTests {
  /// A line may pass the width only when it is a path that no break could
  /// shorten, alone or after its label ("  Open     Exercises/…").
  static func overflows(_ line: String, width: Int) -> Bool {
    let words = line.split(separator: " ")
    let lonePath = words.count <= 2 && (words.last?.contains("/") ?? false)
    return TextWrap.columns(line) > width && !lonePath
  }

  @Test("At 80 and 60 columns no line is wider, except a lone path", arguments: Screen.allCases, [80, 60])
  func fits(_ screen: Screen, _ width: Int) {
    let lines = screen.lines(width: width)
    #expect(!lines.isEmpty)
    for line in lines where Self.overflows(line, width: width) {
      Issue.record("\(TextWrap.columns(line)) columns: \(line)")
    }
  }

  @Test(
    "The width is the terminal's, at most 80, and COLUMNS narrows it",
    arguments: [
      (Int?.none, [String: String](), 80), (nil, ["COLUMNS": "60"], 60), (nil, ["COLUMNS": "200"], 80),
      (120, [:], 80), (100, ["COLUMNS": "70"], 70), (72, [:], 72), (20, [:], 50), (nil, ["COLUMNS": "x"], 80),
    ])
  func lineWidth(_ terminal: Int?, _ environment: [String: String], _ expected: Int) {
    #expect(Terminal.lineWidth(terminalColumns: terminal, environment: environment) == expected)
  }

  @Test("A label goes after the text when it fits, on its own line when not")
  func appending() {
    #expect(TextWrap.appending("(crashed)", to: ["  ✗ short"], width: 40, indent: 4) == ["  ✗ short  (crashed)"])
    #expect(
      TextWrap.appending("(does not compile)", to: ["  ✗ a sentence that fills"], width: 30, indent: 4) == [
        "  ✗ a sentence that fills", "    (does not compile)",
      ])
  }

  @Test("Colours do not count as columns")
  func columns() {
    #expect(TextWrap.columns(Paint(enabled: true).red("✗ ex1")) == 5)
  }

  @Test("A long check sentence wraps under itself, its label kept whole")
  func item() {
    let result = CheckResult(
      exercise: .ex1, check: "x", title: "trainStep clips between backward() and step(), and reports the loss",
      status: .crashed, message: "boom")
    #expect(
      ReportText.item(result, paint: Paint(enabled: false), width: 50) == [
        "  ✗ trainStep clips between backward() and step(),", "    and reports the loss  (crashed)",
      ])
  }

  @Test("The list keeps a row per exercise while it fits, and two lines when not")
  func listRows() {
    let wide = ListCommand.render(WidthFixtures.stubs, paint: Paint(enabled: false), width: 80)
    #expect(wide[2].hasPrefix("  ○ ex1  Gradient clipping by norm       ") && wide[2].hasSuffix("checks   not started"))
    let narrow = ListCommand.render(WidthFixtures.stubs, paint: Paint(enabled: false), width: 60)
    // The headline itself may take two lines at 60 columns.
    let row = narrow.firstIndex { $0.hasPrefix("  ○ ex1") } ?? 0
    #expect(narrow[row] == "  ○ ex1  Gradient clipping by norm")
    #expect(narrow[row + 1].hasSuffix("checks   not started"))
  }

  @Test("An untouched exercise reads \"not started\" whatever the others' state")
  func untouchedIsNotStarted() {
    let reports = [WidthFixtures.passing[0]] + WidthFixtures.stubs.dropFirst()
    let lines = ListCommand.render(reports, paint: Paint(enabled: false), width: 80)
    #expect(lines[2].hasSuffix("passed"))
    for row in lines[3...5] { #expect(row.hasSuffix("not started"), "\(row)") }
  }
}
