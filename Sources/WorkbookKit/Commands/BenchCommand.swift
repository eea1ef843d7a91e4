import Charts
import Foundation

/// `workbook bench`: the engine's speed on three training workloads,
/// against PyTorch's figures for the same work.
struct BenchCommand {
  var options: BenchOptions
  var console = Console.standard

  func run() throws -> ExitCode {
    console.lines(header())
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
    console.clearStatus()
    console.line(Self.table(rows, runs: options.runs).render())
    console.line()
    for workload in options.workloads { console.line("  \(workload.rawValue.padding(toLength: 5, withPad: " ", startingAt: 0)) \(workload.summary)") }
    console.line()
    console.line(
      console.paint.faint(
        "PyTorch: 2.x, 1 thread, float64, same workloads (bench/pytorch_reference.py). Target: ratio ≤ \(BenchWorkload.targetRatio)."))
    return .success
  }

  private func header() -> [String] {
    let fma = BuildInfo.fusedMultiplyAdd ? "AVX2 + FMA (-target-cpu haswell)" : "baseline CPU, no FMA"
    var lines = [
      console.paint.bold("Engine benchmark") + "  build: \(BuildInfo.configuration) (engine always -O), \(fma)",
      "Median ms per optimizer step over \(options.steps) steps after 20 warm-up steps, \(options.runs) run\(options.runs == 1 ? "" : "s") per workload.",
    ]
    if BuildInfo.configuration == "debug" {
      lines.append(console.paint.faint("For representative figures: swift run -c release workbook bench"))
    }
    lines.append("")
    return lines
  }

  /// One row per workload: each run's median, the median of the medians,
  /// PyTorch's figure, the ratio and whether it meets the target.
  static func table(_ rows: [(BenchWorkload, [Double])], runs: Int) -> Table {
    var columns: [Table.Column] = [.init("Workload")]
    columns += (1...max(runs, 1)).map { Table.Column("Run \($0)", alignment: .right) }
    columns += [
      .init("Median", alignment: .right), .init("PyTorch", alignment: .right), .init("Ratio", alignment: .right),
      .init("Target"),
    ]
    var table = Table(columns: columns)
    for (workload, medians) in rows {
      let median = BenchRunner.median(medians)
      let ratio = median / workload.pytorchMilliseconds
      let meets = ratio <= BenchWorkload.targetRatio
      table.addRow(
        [workload.rawValue] + medians.map(milliseconds)
          + [
            milliseconds(median), milliseconds(workload.pytorchMilliseconds), String(format: "%.2f×", ratio),
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
