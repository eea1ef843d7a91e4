import Harness
import Judge
import StudentCommands
import WorkbookKit
import Charts
import Foundation

/// `workbook bench`: the engine's speed on three training workloads,
/// against PyTorch's time for the same work measured right after it, when
/// this machine's Python has PyTorch.
public struct BenchCommand {
  var options: BenchOptions

  public init(options: BenchOptions) { self.options = options }
  var console = Console.standard
  var pytorch = PyTorchTimes()

  public func run() throws -> ExitCode {
    console.lines(Self.header(options, paint: console.paint, width: console.width))
    let runner = BenchRunner(steps: options.steps)
    var rows: [(BenchWorkload, [Double])] = []
    for workload in options.workloads {
      var medians: [Double] = []
      for run in 1...options.runs {
        console.status("\(workload.rawValue): run \(run) of \(options.runs)…")
        let step: () throws -> Void
        do {
          step = try workload.makeStep(seed: UInt64(run))
          medians.append(BenchRunner.median(try runner.time(step)))
        } catch {
          throw CommandFailure("the \(workload.rawValue) workload failed: \(error)")
        }
      }
      rows.append((workload, medians))
    }
    // After the engine, never beside it: both would share the cores.
    console.status("PyTorch: \(pytorch.script)…")
    let reference = pytorch.measure(options.workloads, steps: options.steps, runs: options.runs)
    console.clearStatus()
    console.line(Self.table(rows, runs: options.runs, pytorch: reference, width: console.width).render())
    console.line()
    console.lines(Self.legend(options.workloads, width: console.width))
    console.line()
    console.lines(Self.footer(reference, width: console.width).map(console.paint.faint))
    return .success
  }

  /// The build, what is timed, and a word on debug builds.
  static func header(_ options: BenchOptions, paint: Paint, width: Int) -> [String] {
    let fma = BuildInfo.fusedMultiplyAdd ? "AVX2 + FMA (-target-cpu haswell)" : "baseline CPU, no FMA"
    let runs = "\(options.runs) run\(options.runs == 1 ? "" : "s") per workload"
    let build = "build: \(BuildInfo.configuration) (engine always -O), \(fma)"
    var lines =
      "Engine benchmark  ".count + build.count <= width
      ? [paint.bold("Engine benchmark") + "  " + build] : [paint.bold("Engine benchmark")] + TextWrap.wrap(build, width: width)
    lines += TextWrap.wrap(
      "Median ms per optimizer step over \(options.steps) steps after 20 warm-up steps, \(runs).", width: width)
    if BuildInfo.configuration == "debug" {
      lines += TextWrap.wrap("For representative figures: swift run -c release workbook bench", width: width)
        .map(paint.faint)
    }
    lines.append("")
    return lines
  }

  /// "  mlp   MLP 2-64-64-3 tanh, …": what each workload is.
  static func legend(_ workloads: [BenchWorkload], width: Int) -> [String] {
    workloads.flatMap { workload in
      let name = "  " + workload.rawValue.padding(toLength: 6, withPad: " ", startingAt: 0)
      return TextWrap.wrap(workload.summary, width: width, after: name, indent: name.count)
    }
  }

  /// Where PyTorch's figures come from, or that there are none.
  static func footer(_ pytorch: PyTorchTimes.Outcome, width: Int) -> [String] {
    switch pytorch {
    case let .measured(_, title):
      return TextWrap.wrap(
        "PyTorch: \(title), the same workloads, steps and runs, measured just now by "
          + "bench/pytorch_reference.py. Target: ratio ≤ \(BenchWorkload.targetRatio).", width: width)
    case let .notMeasured(reason):
      return TextWrap.wrap(
        "PyTorch was not measured: \(reason). With PyTorch installed for python3, the table gets its figures "
          + "and the ratio (target ≤ \(BenchWorkload.targetRatio)).", width: width)
    }
  }

  /// One row per workload: each run's median, the median of the medians,
  /// and, when PyTorch was measured, its figure, the ratio and whether it
  /// meets the target. Narrower than `width` allows, the runs' columns are
  /// left out and the median stays.
  static func table(
    _ rows: [(BenchWorkload, [Double])], runs: Int, pytorch: PyTorchTimes.Outcome,
    width: Int = Terminal.maximumWidth
  ) -> Table {
    let full = table(rows, runs: runs, pytorch: pytorch, showRuns: true)
    let widest = full.render().split(separator: "\n").map { TextWrap.columns(String($0)) }.max() ?? 0
    return widest <= width ? full : table(rows, runs: runs, pytorch: pytorch, showRuns: false)
  }

  private static func table(
    _ rows: [(BenchWorkload, [Double])], runs: Int, pytorch: PyTorchTimes.Outcome, showRuns: Bool
  ) -> Table {
    var columns: [Table.Column] = [.init("Workload")]
    if showRuns { columns += (1...max(runs, 1)).map { Table.Column("Run \($0)", alignment: .right) } }
    columns.append(.init("Median", alignment: .right))
    guard case let .measured(figures, _) = pytorch else {
      var table = Table(columns: columns)
      for (workload, medians) in rows {
        table.addRow(
          [workload.rawValue] + (showRuns ? medians.map(milliseconds) : []) + [milliseconds(BenchRunner.median(medians))])
      }
      return table
    }
    columns += [.init("PyTorch", alignment: .right), .init("Ratio", alignment: .right), .init("Target")]
    var table = Table(columns: columns)
    for (workload, medians) in rows {
      let median = BenchRunner.median(medians)
      let cells = (showRuns ? medians.map(milliseconds) : []) + [milliseconds(median)]
      guard let reference = figures[workload] else {
        table.addRow([workload.rawValue] + cells + ["–", "–", ""])
        continue
      }
      let ratio = median / reference
      let meets = ratio <= BenchWorkload.targetRatio
      table.addRow(
        [workload.rawValue] + cells
          + [
            milliseconds(reference), String(format: "%.2f×", ratio),
            meets ? "\(Marks.passed) met" : "\(Marks.failed) missed",
          ])
    }
    return table
  }

  /// Three significant figures, enough to compare and no false precision.
  static func milliseconds(_ value: Double) -> String {
    if value >= 100 { return String(format: "%.0f", value) }
    if value >= 10 { return String(format: "%.1f", value) }
    return String(format: "%.2f", value)
  }
}
