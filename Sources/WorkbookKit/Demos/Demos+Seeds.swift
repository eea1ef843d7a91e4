import Charts
import Foundation
import Harness

extension Demos {
  /// Runs the demo of `exercise` once per seed, quietly (only progress
  /// shows, prefixed with the seed), then prints per run the number of
  /// seeds on which it diverged and the mean and range of each headline
  /// number: whether a claim holds beyond seed 1.
  ///
  /// Every option but the seed applies to each run. No files are written
  /// (the parser refuses `--svg` and `--csv` with `--seeds`).
  ///
  /// - Returns: the summary of the last seed, with `values` holding
  ///   "mean[run: measure]", "min[…]", "max[…]" and "count[…]" of every
  ///   measure, and "diverged[run]" the number of seeds that diverged.
  public static func runSeeds(
    _ seeds: [UInt64], _ exercise: Exercise, code: WorkbookCode, options: DemoOptions, output: DemoOutput
  ) throws -> DemoSummary {
    try checkOutputPaths(options)
    let start = Date()
    var summaries: [DemoSummary] = []
    var title = exercise.name
    for (index, seed) in seeds.enumerated() {
      var single = options
      single.seed = seed
      single.seeds = nil
      single.svgPath = nil
      single.csvPath = nil
      let quiet = QuietOutput(prefix: "seed \(seed) (\(index + 1)/\(seeds.count)) · ", output: output)
      summaries.append(try run(exercise, code: code, options: single, output: quiet))
      title = quiet.firstLine ?? title
    }
    let report = DemoReport(options: options, output: output)
    report.title("\(title), \(seeds.count) seeds")
    report.paragraph(
      "Seeds \(describe(seeds)), each with its own data, weights and batch order; every other option as given. "
        + Divergence.rule + " Means and ranges are over the seeds where a run has the number (a run that "
        + "stopped at inf or NaN has no test MSE); \"(n seeds)\" says when that is fewer than all.")
    let table = seedTable(summaries, report: report)
    report.table(table)
    for (name, counts) in tallies(summaries) {
      report.blank()
      report.paragraph(
        "\(name.prefix(1).uppercased())\(name.dropFirst()): "
          + counts.map { "\($0.choice) on \($0.count) of \(seeds.count)" }.joined(separator: ", ") + ".")
    }
    report.record("seeds", Double(seeds.count))
    report.record("seconds", elapsed(since: start))
    report.blank()
    report.line("Finished in \(Format.seconds(elapsed(since: start))).")
    return report.summary
  }

  /// "1–20" for a range, "1, 2, 5" otherwise.
  static func describe(_ seeds: [UInt64]) -> String {
    if seeds.count > 2, let first = seeds.first, seeds == Array(first...(first + UInt64(seeds.count - 1))) {
      return "\(first)–\(seeds.last!)"
    }
    return seeds.map(String.init).joined(separator: ", ")
  }

  /// One row per run (the seeds it diverged on), then one per measure
  /// (mean and range), in the order the demo showed them.
  private static func seedTable(_ summaries: [DemoSummary], report: DemoReport) -> Table {
    var table = Table(columns: [
      .init("run, measure"), .init("diverged", alignment: .right), .init("mean", alignment: .right),
      .init("range", alignment: .right),
    ])
    var runNames: [String] = []
    for summary in summaries { for run in summary.runs where !runNames.contains(run.name) { runNames.append(run.name) } }
    for name in runNames {
      let runs = summaries.compactMap { $0.runs.first { $0.name == name } }
      let diverged = runs.filter(\.diverged).count
      table.addRow([name, "\(diverged)/\(runs.count)", "", ""])
      report.record("diverged[\(name)]", Double(diverged))
      var measureNames: [String] = []
      for run in runs { for m in run.measures where !measureNames.contains(m.name) { measureNames.append(m.name) } }
      for measure in measureNames {
        let values = runs.compactMap { $0.value(measure) }.filter(\.isFinite)
        guard let low = values.min(), let high = values.max() else { continue }
        let mean = values.reduce(0, +) / Double(values.count)
        let key = "\(name): \(measure)"
        report.record("mean[\(key)]", mean)
        report.record("min[\(key)]", low)
        report.record("max[\(key)]", high)
        report.record("count[\(key)]", Double(values.count))
        let label = values.count < runs.count ? "\(measure) (\(values.count) seeds)" : measure
        let range = low == high ? Format.number(low) : "\(Format.number(low)) – \(Format.number(high))"
        table.addRow(["  " + label, "", Format.number(mean), range])
      }
    }
    return table
  }

  /// Each choice's count over seeds, most frequent first.
  private static func tallies(_ summaries: [DemoSummary]) -> [(String, [(choice: String, count: Int)])] {
    let names = Set(summaries.flatMap(\.choices.keys)).sorted()
    return names.map { name in
      var counts: [(choice: String, count: Int)] = []
      for summary in summaries {
        guard let choice = summary.choices[name] else { continue }
        if let i = counts.firstIndex(where: { $0.choice == choice }) {
          counts[i].count += 1
        } else {
          counts.append((choice, 1))
        }
      }
      return (name, counts.enumerated().sorted { ($0.element.count, -$0.offset) > ($1.element.count, -$1.offset) }.map(\.element))
    }
  }
}

/// The output of one seed's run under `--seeds`: its lines are dropped
/// (the title is kept), its progress shown with the seed in front.
private final class QuietOutput: DemoOutput {
  let prefix: String
  let output: DemoOutput
  private(set) var firstLine: String?

  init(prefix: String, output: DemoOutput) {
    self.prefix = prefix
    self.output = output
  }

  func line(_ text: String) { if firstLine == nil { firstLine = text } }

  func progress(_ text: String) { output.progress(prefix + text) }
}
