import Autograd
import Charts
import Datasets
import Foundation
import Grading

extension Demos {
  /// Exercise 1: an Elman RNN on the adding problem at a learning rate high
  /// enough to explode, trained twice from the same weights on the same
  /// batches: once without clipping (the engine directly) and once with the
  /// student's `trainStep`, which clips by norm.
  ///
  /// Shows the two loss curves, the gradient norm before clipping per step
  /// (log scale), how often clipping fired, where the unclipped run
  /// diverged, and both runs' MSE on 1,024 held-out sequences against the
  /// constant-prediction baseline 1/6.
  ///
  /// Defaults (the configuration checked in PyTorch, float64, where 20 of
  /// 20 seeds diverge without clipping and all 20 end below 1/6 with it):
  /// hidden 64, sequences of T = 10, recurrent weights 1.5 × a random
  /// orthogonal matrix, input and readout weights N(0, 0.1²), plain SGD,
  /// learning rate 0.05 (`learningRate`), batch 32, 500 steps (`steps`),
  /// maxNorm 1 (`threshold`). With the default seed the unclipped loss is
  /// NaN from step 215 and the clipped run ends at a test MSE of about 0.107.
  /// A debug build runs it in about a second.
  ///
  /// - `momentum`: SGD with momentum for both runs (0.9 is the Challenge's
  ///   point: the velocity adds up clipped steps, so loose thresholds no
  ///   longer keep the run stable).
  /// - `sweep`: trains with maxNorm 0.25, 0.5, 1, 2, 5, 10 and none (plus
  ///   `threshold` if it is another value) and tabulates stability and
  ///   final loss: the Challenge.
  /// - Files: the loss chart at `svgPath`, the norm chart with suffix
  ///   `-norm` (a sweep saves one chart); CSV with the loss and norm of
  ///   every run per step.
  static func normClipping(code: WorkbookCode, options: DemoOptions, output: DemoOutput) throws -> DemoSummary {
    let ex1 = try code.required(\.ex1, .ex1)
    let report = DemoReport(options: options, output: output)
    let start = Date()
    let steps = max(options.steps ?? 500, 1)
    let learningRate = options.learningRate ?? 0.05
    let maxNorm = options.threshold ?? 1
    let momentum = options.momentum ?? 0
    let setup = try AddingProblemSetup(seed: options.seed)
    let batches = setup.batches(steps: steps)
    let optimizerName = momentum == 0 ? "plain SGD" : "SGD with momentum \(Format.number(momentum))"

    report.title("Exercise 1 · Gradient clipping by norm")
    report.paragraph(
      "\(setup.description.prefix(1).uppercased())\(setup.description.dropFirst()): find the two marked numbers in "
        + "a sequence and add them. The recurrent weights start at 1.5 × a random orthogonal matrix, so "
        + "backpropagation through time multiplies the gradient by up to 1.5 per step. "
        + "\(optimizerName.prefix(1).uppercased())\(optimizerName.dropFirst()), "
        + "learning rate \(Format.number(learningRate)), batch \(setup.batchSize), \(steps) steps, seed \(options.seed). "
        + "Every run starts from the same weights and sees the same batches. "
        + (options.sweep
          ? "The Challenge: one run per maxNorm, each through \(options.codeOwner.possessive) trainStep, and one without clipping."
          : "The clipped run calls \(options.codeOwner.possessive) trainStep with maxNorm \(Format.number(maxNorm)); the other one runs "
            + "without clipping."))

    func train(_ name: String, clip: Double?) throws -> ClippingRun {
      try setup.train(
        name, batches: batches, makeOptimizer: { SGD($0, lr: learningRate, momentum: momentum) }, threshold: clip,
        report: report,
        step: { model, optimizer, batch in
          guard let clip else {
            return try Reference.step(
              model: model, optimizer: optimizer, batch: batch, lossFunction: setup.lossFunction)
          }
          return try ex1.trainStep(model, optimizer, batch, setup.lossFunction, clip)
        })
    }

    if options.sweep {
      var values = [0.25, 0.5, 1, 2, 5, 10]
      if let chosen = options.threshold, !values.contains(chosen) { values.append(chosen) }
      let thresholds: [Double?] = values.sorted() + [nil]
      var runs: [(maxNorm: Double?, run: ClippingRun)] = []
      for threshold in thresholds {
        let name = threshold.map { "maxNorm \(Format.number($0))" } ?? "no clipping"
        runs.append((threshold, try train(name, clip: threshold)))
      }
      try showSweep(runs, steps: steps, momentum: momentum, report: report)
    } else {
      let unclipped = try train("without clipping", clip: nil)
      let clipped = try train("maxNorm \(Format.number(maxNorm))", clip: maxNorm)
      try showSideBySide(
        unclipped: unclipped, clipped: clipped, maxNorm: maxNorm, steps: steps, momentum: momentum, report: report)
    }
    report.record("learningRate", learningRate)
    report.record("momentum", momentum)
    report.record("steps", Double(steps))
    report.record("baseline", AddingProblemSetup.baseline)
    report.record("seconds", elapsed(since: start))
    report.blank()
    report.line("Finished in \(Format.seconds(elapsed(since: start))).")
    return report.summary
  }

  /// Where the norm chart stops drawing an exploding run (see `capped`).
  static let normCap = 1e4
  /// The loss level the closing sentence calls "blown up".
  static let blowUpLevel = 1e3

  /// What momentum changes, said when it is on.
  private static func momentumNote(_ momentum: Double, report: DemoReport) {
    guard momentum > 0, momentum < 1 else { return }
    report.blank()
    report.paragraph(
      "With momentum, clipping caps each gradient but not the step: the velocity adds up to 1/(1 − "
        + "\(Format.number(momentum))) = \(Format.number(1 / (1 - momentum))) clipped gradients, so a loose "
        + "threshold no longer keeps the run in check.")
  }

  private static func showSideBySide(
    unclipped: ClippingRun, clipped: ClippingRun, maxNorm: Double, steps: Int, momentum: Double, report: DemoReport
  ) throws {
    let lossChart = AddingProblemSetup.lossChart(
      [unclipped, clipped], names: ["without clipping", "clipped, maxNorm \(Format.number(maxNorm))"])
    let normChart = LineChart(
      title: "Gradient norm before clipping, drawn up to \(Format.number(normCap))", xLabel: "step", yLabel: "norm",
      series: [
        .init("maxNorm \(Format.number(maxNorm))", [Double](repeating: maxNorm, count: steps)),
        .init("without clipping", capped(unclipped.norms, at: normCap)),
        .init("clipped run", capped(clipped.norms, at: normCap)),
      ],
      logScaleY: true, xStart: 1)
    report.chart(lossChart, height: 14)
    report.chart(normChart)

    var table = Table(columns: [
      .init("run"), .init("NaN from", alignment: .right), .init("steps clipped", alignment: .right),
      .init("largest norm", alignment: .right), .init("test MSE", alignment: .right),
    ])
    for run in [unclipped, clipped] {
      let isClipped = run.name != unclipped.name
      table.addRow([
        run.name, run.divergedAt.map { "step \($0)" } ?? "never",
        isClipped ? "\(run.clippedSteps) (\(Format.percent(run.clippedSteps, of: run.losses.count)))" : "–",
        Format.number(run.norms.filter(\.isFinite).max() ?? .nan),
        run.testLoss.isNaN ? "–" : Format.number(run.testLoss),
      ])
    }
    table.addRow(["always predicting 1", "", "", "", Format.number(AddingProblemSetup.baseline)])
    report.table(table)

    report.blank()
    let blowUp =
      firstStep(unclipped.losses, above: blowUpLevel).map { "passed \(Format.number(blowUpLevel)) at step \($0) and " }
      ?? ""
    let verdictUnclipped =
      unclipped.divergedAt.map { "Without clipping the loss \(blowUp)became NaN at step \($0)." }
      ?? "Without clipping the run did not diverge within \(steps) steps (test MSE \(Format.number(unclipped.testLoss)))."
    let verdictClipped: String
    if let step = clipped.divergedAt {
      verdictClipped = "With clipping the loss became NaN at step \(step) too."
    } else {
      let relation = clipped.testLoss < AddingProblemSetup.baseline ? "below" : "not below"
      verdictClipped =
        "With clipping it trained to a test MSE of \(Format.number(clipped.testLoss)), \(relation) the "
        + "1/6 ≈ 0.167 of always predicting 1; clipping scaled the gradient on \(clipped.clippedSteps) of "
        + "\(clipped.losses.count) steps."
    }
    report.paragraph(verdictUnclipped + " " + verdictClipped)
    momentumNote(momentum, report: report)

    report.record("maxNorm", maxNorm)
    report.record("unclippedDivergedAt", fact: unclipped.divergedAt.map { "step \($0)" } ?? "no")
    report.record("clippedDivergedAt", fact: clipped.divergedAt.map { "step \($0)" } ?? "no")
    if let step = unclipped.divergedAt { report.record("unclippedDivergedAtStep", Double(step)) }
    if let step = clipped.divergedAt { report.record("clippedDivergedAtStep", Double(step)) }
    report.record("unclippedTestLoss", unclipped.testLoss)
    report.record("clippedTestLoss", clipped.testLoss)
    report.record("clippedSteps", Double(clipped.clippedSteps))
    report.record(
      "clippedBelowBaseline", fact: clipped.testLoss < AddingProblemSetup.baseline ? "yes" : "no")

    try report.saveSVGs([("loss", lossChart.renderSVG()), ("norm", normChart.renderSVG())])
    try report.saveCSV([
      ("loss without clipping", unclipped.losses), ("loss clipped", clipped.losses),
      ("norm without clipping", unclipped.norms), ("norm clipped run", clipped.norms),
    ])
  }

  private static func showSweep(
    _ runs: [(maxNorm: Double?, run: ClippingRun)], steps: Int, momentum: Double, report: DemoReport
  ) throws {
    let chart = AddingProblemSetup.lossChart(runs.map(\.run), baseline: false)
    report.chart(chart, height: 14)

    var table = Table(columns: [
      .init("maxNorm", alignment: .right), .init("NaN from", alignment: .right),
      .init("steps clipped", alignment: .right), .init("last 50 steps", alignment: .right),
      .init("test MSE", alignment: .right), .init("verdict"),
    ])
    for (maxNorm, run) in runs {
      let verdict: String
      if run.divergedAt != nil {
        verdict = "diverged"
      } else if run.testLoss < AddingProblemSetup.baseline {
        verdict = "below 1/6"
      } else {
        verdict = "above 1/6"
      }
      table.addRow([
        maxNorm.map { Format.number($0) } ?? "none",
        run.divergedAt.map { "step \($0)" } ?? "never",
        maxNorm == nil ? "–" : Format.percent(run.clippedSteps, of: run.losses.count),
        run.divergedAt == nil ? Format.number(run.recentLoss()) : "–",
        run.testLoss.isNaN ? "–" : Format.number(run.testLoss),
        verdict,
      ])
      let key = maxNorm.map { Format.number($0) } ?? "none"
      report.record("testLoss[maxNorm \(key)]", run.testLoss)
      report.record("divergedAt[maxNorm \(key)]", fact: run.divergedAt.map { "step \($0)" } ?? "no")
    }
    table.addRow(["always 1", "", "", "", Format.number(AddingProblemSetup.baseline), ""])
    report.table(table)
    report.blank()
    report.paragraph(
      "\"last 50 steps\": the mean batch loss at the end of training; \"test MSE\": on 1,024 held-out "
        + "sequences. \"always 1\" is the constant prediction, MSE 1/6 ≈ 0.167.")
    momentumNote(momentum, report: report)
    try report.saveSVGs([("sweep", chart.renderSVG())])
    try report.saveCSV(
      runs.map { ("loss \($0.run.name)", $0.run.losses) } + runs.map { ("norm \($0.run.name)", $0.run.norms) })
  }
}
