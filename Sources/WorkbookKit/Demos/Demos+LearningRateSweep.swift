import Autograd
import Charts
import Measures

extension Demos {
  /// Exercise 1's other question from the course: did clipping allow a
  /// higher learning rate? At each rate of `--lrs`, the RNN trains twice
  /// from the same weights on the same batches, without clipping and
  /// through the student's `trainStep` at `maxNorm`; the table says, per
  /// rate, whether each run diverged (`Divergence.rule`) and its test MSE.
  ///
  /// Charted: the clipped runs' losses, one colour per rate (the unclipped
  /// ones diverge at the rates worth asking about, and the table says
  /// where). Files: that chart as SVG; CSV with every run's loss per step.
  static func learningRateSweep(
    _ rates: [Double], maxNorm: Double, steps: Int,
    train: (String, Double, Double?) throws -> ClippingRun, report: DemoReport
  ) throws {
    var rows: [(rate: Double, plain: ClippingRun, clipped: ClippingRun)] = []
    for rate in rates {
      let name = "lr \(Format.number(rate))"
      rows.append(
        (
          rate, try train("\(name), no clipping", rate, nil),
          try train("\(name), maxNorm \(Format.number(maxNorm))", rate, maxNorm)
        ))
    }
    let chart = AddingProblemSetup.lossChart(
      rows.map(\.clipped), styles: Array(rows.indices), steps: steps)
    report.chart(chart, height: 14)

    var table = Table(columns: [
      .init("lr", alignment: .right), .init("no clipping", alignment: .right),
      .init("maxNorm \(Format.number(maxNorm))", alignment: .right), .init("clipped", alignment: .right),
    ])
    for (rate, plain, clipped) in rows {
      table.addRow([
        Format.number(rate), outcome(plain), outcome(clipped),
        Format.percent(clipped.clippedSteps, of: clipped.losses.count),
      ])
      for run in [plain, clipped] {
        report.recordRun(
          run.name, diverged: run.divergedAt != nil,
          [("diverged at step", run.divergedAt.map(Double.init) ?? .nan), ("test MSE", run.testLoss)])
      }
    }
    report.table(table)
    report.blank()
    let largestPlain = rows.filter { $0.plain.divergedAt == nil }.map(\.rate).max()
    let largestClipped = rows.filter { $0.clipped.divergedAt == nil }.map(\.rate).max()
    let named = { (rate: Double?) in rate.map { Format.number($0) } ?? "none" }
    report.recordChoice("largest rate that did not diverge, no clipping", named(largestPlain))
    report.recordChoice("largest rate that did not diverge, clipped", named(largestClipped))
    report.paragraph(
      "Each cell: the step a run diverged at, or its test MSE on 1,024 held-out sequences (always predicting "
        + "1 scores 1/6 ≈ 0.167). \"clipped\": the share of steps on which clipping scaled the gradient. "
        + "Largest rate that did not diverge: \(named(largestPlain)) without clipping, \(named(largestClipped)) "
        + "with maxNorm \(Format.number(maxNorm)). "
        + "With every step clipped, a step is exactly lr × maxNorm long: the rate then sets the step length "
        + "directly.")
    try report.saveSVGs([("lrs", chart.renderSVG())])
    try report.saveCSV(
      rows.flatMap { [("loss \($0.plain.name)", $0.plain.losses), ("loss \($0.clipped.name)", $0.clipped.losses)] })
  }

  /// A table cell: "step 8" for a run that diverged, else its test MSE.
  private static func outcome(_ run: ClippingRun) -> String {
    run.divergedAt.map { "diverged, step \($0)" } ?? Format.number(run.testLoss)
  }
}
