import Autograd
import Charts
import Datasets
import Foundation
import Harness
import Measures

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
  /// maxNorm 1 (`threshold`), `length` 10 and `hidden` 64. With the default
  /// seed the unclipped run diverges at step 8 (`Divergence.rule`) and its
  /// loss is inf from step 215; the clipped run ends at a test MSE of about
  /// 0.107. Over seeds 1–20 (`Demos.runSeeds`) the unclipped run diverges on
  /// all 20 and the clipped one ends below 1/6 on all 20. A debug build runs
  /// it in about a second.
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
    let setup = try AddingProblemSetup(seed: options.seed, hidden: options.hidden ?? 64, length: options.length ?? 10)
    let batches = setup.batches(steps: steps)
    let optimizerName = momentum == 0 ? "plain SGD" : "SGD with momentum \(Format.number(momentum))"
    let rateText =
      options.learningRates.map { "learning rates " + $0.map { Format.number($0) }.joined(separator: ", ") }
      ?? "learning rate \(Format.number(learningRate))"

    report.title("Exercise 1 · Gradient clipping by norm")
    report.paragraph(
      "\(setup.description.prefix(1).uppercased())\(setup.description.dropFirst()): find the two marked numbers in "
        + "a sequence and add them. The recurrent weights start at 1.5 × a random orthogonal matrix, so "
        + "backpropagation through time multiplies the gradient by up to 1.5 per step. "
        + "\(optimizerName.prefix(1).uppercased())\(optimizerName.dropFirst()), "
        + rateText + ", batch \(setup.batchSize), \(steps) steps, seed \(options.seed). "
        + "Every run starts from the same weights and sees the same batches. "
        + (options.learningRates != nil
          ? "At each rate, one run without clipping and one through \(options.codeOwner.possessive) trainStep with "
            + "maxNorm \(Format.number(maxNorm)): did clipping allow a higher learning rate? "
          : "")
        + (options.learningRates != nil ? "" : options.sweep
          ? "The Challenge: one run per maxNorm, each through \(options.codeOwner.possessive) trainStep, and one without clipping. "
          : "The clipped run calls \(options.codeOwner.possessive) trainStep with maxNorm \(Format.number(maxNorm)); the other one runs "
            + "without clipping. ")
        + Divergence.rule)

    func train(
      _ name: String, clip: Double?, rate: Double = learningRate,
      afterStep: (any Module, Int) throws -> Void = { _, _ in }
    ) throws -> ClippingRun {
      try setup.train(
        name, batches: batches, makeOptimizer: { SGD($0, lr: rate, momentum: momentum) }, threshold: clip,
        report: report, afterStep: afterStep,
        step: { model, optimizer, batch in
          guard let clip else {
            return try Baseline.step(
              model: model, optimizer: optimizer, batch: batch, lossFunction: setup.lossFunction)
          }
          return try ex1.trainStep(model, optimizer, batch, setup.lossFunction, clip)
        })
    }

    if let rates = options.learningRates {
      try learningRateSweep(
        rates, maxNorm: maxNorm, steps: steps, train: { try train($0, clip: $2, rate: $1) }, report: report)
    } else if options.sweep {
      var values = sweepThresholds
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
      let before = try setup.positionGradients(setup.makeModel())
      var after: [Double] = []
      let clipped = try train("maxNorm \(Format.number(maxNorm))", clip: maxNorm) { model, i in
        if i == steps - 1 { after = try setup.positionGradients(model) }
      }
      try showSideBySide(
        unclipped: unclipped, clipped: clipped, maxNorm: maxNorm, steps: steps, momentum: momentum,
        positions: (before, after), report: report)
    }
    report.record("learningRate", learningRate)
    report.record("momentum", momentum)
    report.record("steps", Double(steps))
    report.record("length", Double(setup.length))
    report.record("hidden", Double(setup.hidden))
    report.record("baseline", AddingProblemSetup.baseline)
    report.record("seconds", elapsed(since: start))
    report.blank()
    report.line("Finished in \(Format.seconds(elapsed(since: start))).")
    return report.summary
  }

  /// The maxNorm values of `--sweep`, each with its own style slot.
  static let sweepThresholds: [Double] = [0.25, 0.5, 1, 2, 5, 10]
  /// Style slots of exercise 1's runs, the same in every chart.
  static let unclippedStyle = 3, clippedStyle = 0

  /// The top of the norm chart's axis: an exploding run's norms go on to
  /// 1e150, and are marked above it.
  static let normCap = 1e4

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
    unclipped: ClippingRun, clipped: ClippingRun, maxNorm: Double, steps: Int, momentum: Double,
    positions: (before: [Double], after: [Double]), report: DemoReport
  ) throws {
    let lossChart = AddingProblemSetup.lossChart(
      [unclipped, clipped], names: ["without clipping", "clipped, maxNorm \(Format.number(maxNorm))"],
      styles: [unclippedStyle, clippedStyle], steps: steps)
    let normChart = LineChart(
      title: "Gradient norm before clipping", xLabel: "step", yLabel: "norm",
      series: [
        .init(
          "maxNorm \(Format.number(maxNorm))", [Double](repeating: maxNorm, count: steps),
          style: AddingProblemSetup.baselineStyle),
        .init(
          "without clipping", padded(unclipped.norms, to: steps), style: unclippedStyle,
          note: Divergence.note(unclipped.losses)),
        .init(
          "clipped run", padded(clipped.norms, to: steps), style: clippedStyle, note: Divergence.note(clipped.losses)),
      ],
      logScaleY: true, xStart: 1, yMax: normCap)
    report.chart(lossChart, height: 14)
    report.chart(normChart)

    var table = Table(columns: [
      .init("run"), .init("diverged", alignment: .right), .init("steps clipped", alignment: .right),
      .init("largest norm", alignment: .right), .init("test MSE", alignment: .right),
    ])
    for run in [unclipped, clipped] {
      let isClipped = run.name != unclipped.name
      table.addRow([
        run.name, Divergence.cell(run.losses),
        isClipped ? "\(run.clippedSteps) (\(Format.percent(run.clippedSteps, of: run.losses.count)))" : "–",
        Format.number(run.largestNorm), run.testLoss.isNaN ? "–" : Format.number(run.testLoss),
      ])
    }
    table.addRow(["always predicting 1", "", "", "", Format.number(AddingProblemSetup.baseline)])
    report.table(table)

    report.blank()
    let verdictClipped: String
    if let step = clipped.divergedAt {
      verdictClipped = "With clipping it diverged too, at step \(step)\(nonFiniteClause(clipped))."
    } else {
      let counted =
        "clipping scaled the gradient on \(clipped.clippedSteps) of \(clipped.losses.count) steps."
      verdictClipped =
        clipped.testLoss < AddingProblemSetup.baseline
        ? "With clipping it trained to a test MSE of \(Format.number(clipped.testLoss)), below the 1/6 ≈ 0.167 "
          + "of always predicting 1; " + counted
        : "With clipping it stayed finite but learned nothing useful: its test MSE of "
          + "\(Format.number(clipped.testLoss)) is no better than the 1/6 ≈ 0.167 of always predicting 1; "
          + counted
    }
    report.paragraph(divergenceVerdict(unclipped, "Without clipping", steps: steps) + " " + verdictClipped)
    momentumNote(momentum, report: report)
    let positionChart = showPositionGradients(before: positions.before, after: positions.after, report: report)

    report.record("maxNorm", maxNorm)
    report.record("unclippedDivergedAt", fact: unclipped.divergedAt.map { "step \($0)" } ?? "no")
    report.record("clippedDivergedAt", fact: clipped.divergedAt.map { "step \($0)" } ?? "no")
    if let step = unclipped.divergedAt { report.record("unclippedDivergedAtStep", Double(step)) }
    if let step = clipped.divergedAt { report.record("clippedDivergedAtStep", Double(step)) }
    if let bad = unclipped.nonFinite {
      report.record("unclippedNonFiniteAtStep", Double(bad.step))
      report.record("unclippedNonFinite", fact: bad.kind)
    }
    report.record("unclippedTestLoss", unclipped.testLoss)
    report.record("clippedTestLoss", clipped.testLoss)
    report.record("clippedSteps", Double(clipped.clippedSteps))
    report.record(
      "clippedBelowBaseline", fact: clipped.testLoss < AddingProblemSetup.baseline ? "yes" : "no")
    report.recordChoice(
      "the clipped run's test MSE",
      clipped.testLoss < AddingProblemSetup.baseline ? "below 1/6" : (clipped.testLoss.isNaN ? "none" : "not below 1/6"))
    recordClippingRun(unclipped, clipped: false, report: report)
    recordClippingRun(clipped, clipped: true, report: report)
    report.recordRun(
      "gradient at position 1 ÷ at T", diverged: false,
      [
        ("before training", positionRatio(positions.before)),
        ("after the clipped run", positionRatio(positions.after)),
      ])

    try report.saveSVGs([
      ("loss", lossChart.renderSVG()), ("norm", normChart.renderSVG()), ("positions", positionChart.renderSVG()),
    ])
    try report.saveCSV([
      ("loss without clipping", unclipped.losses), ("loss clipped", clipped.losses),
      ("norm without clipping", unclipped.norms), ("norm clipped run", clipped.norms),
    ])
  }

  /// ", and the loss was inf from step 215" when the run met an inf or NaN
  /// after the step it diverged at; "" otherwise.
  static func nonFiniteClause(_ run: ClippingRun) -> String {
    guard let bad = run.nonFinite, bad.step != run.divergedAt else { return "" }
    return ", and the loss was \(bad.kind) from step \(bad.step)"
  }

  /// What happened to a run that may have diverged, as a sentence:
  /// "Without clipping the run diverged at step 8 (loss 2.5e3, over
  /// 1000 × the first step's 2.16), and the loss was inf from step 215."
  static func divergenceVerdict(_ run: ClippingRun, _ subject: String, steps: Int) -> String {
    guard let step = run.divergedAt else {
      return "\(subject) the run did not diverge within \(steps) steps (test MSE \(Format.number(run.testLoss)))."
    }
    if let bad = run.nonFinite, bad.step == step {
      return "\(subject) the loss was \(bad.kind) at step \(step): the run diverged there."
    }
    let first = run.losses.first ?? .nan
    let ending = run.nonFinite == nil ? "; it stayed finite, with a test MSE of \(Format.number(run.testLoss))" : ""
    return "\(subject) the run diverged at step \(step) (loss \(Format.number(run.losses[step - 1])), over "
      + "1000 × the first step's \(Format.number(first)))\(nonFiniteClause(run))\(ending)."
  }

  /// One RNN run's headline numbers, for the multi-seed summary.
  static func clippingMeasures(_ run: ClippingRun, clipped: Bool) -> [(String, Double)] {
    var measures: [(String, Double)] = [
      ("diverged at step", run.divergedAt.map(Double.init) ?? .nan),
      ("inf from step", run.nonFinite.map { $0.kind == "inf" ? Double($0.step) : .nan } ?? .nan),
      ("NaN from step", run.nonFinite.map { $0.kind == "NaN" ? Double($0.step) : .nan } ?? .nan),
    ]
    if clipped { measures.append(("steps clipped", Double(run.clippedSteps))) }
    measures += [("largest norm", run.largestNorm), ("test MSE", run.testLoss)]
    return measures
  }

  static func recordClippingRun(_ run: ClippingRun, clipped: Bool, report: DemoReport) {
    report.recordRun(run.name, diverged: run.divergedAt != nil, clippingMeasures(run, clipped: clipped))
  }

  private static func showSweep(
    _ runs: [(maxNorm: Double?, run: ClippingRun)], steps: Int, momentum: Double, report: DemoReport
  ) throws {
    let styles = runs.enumerated().map { index, entry in
      entry.maxNorm.map { sweepThresholds.firstIndex(of: $0) ?? 7 } ?? AddingProblemSetup.baselineStyle
    }
    let chart = AddingProblemSetup.lossChart(runs.map(\.run), styles: styles, steps: steps, baseline: false)
    report.chart(chart, height: 14)

    var table = Table(columns: [
      .init("maxNorm", alignment: .right), .init("diverged", alignment: .right),
      .init("clipped", alignment: .right), .init("last 50 steps", alignment: .right),
      .init("test MSE", alignment: .right), .init("verdict"),
    ])
    var best: (name: String, loss: Double)?
    for (maxNorm, run) in runs {
      let verdict: String
      if run.divergedAt != nil {
        verdict = run.nonFinite.map { "diverged, \($0.kind)" } ?? "diverged"
      } else if run.testLoss < AddingProblemSetup.baseline {
        verdict = "below 1/6"
      } else {
        verdict = "above 1/6"
      }
      let recent = run.recentLoss()
      table.addRow([
        maxNorm.map { Format.number($0) } ?? "none",
        Divergence.cell(run.losses),
        maxNorm == nil ? "–" : Format.percent(run.clippedSteps, of: run.losses.count),
        recent.isFinite ? Format.number(recent) : "–",
        run.testLoss.isNaN ? "–" : Format.number(run.testLoss),
        verdict,
      ])
      let key = maxNorm.map { Format.number($0) } ?? "none"
      report.record("testLoss[maxNorm \(key)]", run.testLoss)
      report.record("divergedAt[maxNorm \(key)]", fact: run.divergedAt.map { "step \($0)" } ?? "no")
      report.recordRun(
        run.name, diverged: run.divergedAt != nil,
        [
          ("diverged at step", run.divergedAt.map(Double.init) ?? .nan),
          ("steps clipped", maxNorm == nil ? .nan : Double(run.clippedSteps)),
          ("test MSE", run.testLoss),
        ])
      if run.divergedAt == nil, run.testLoss.isFinite, run.testLoss < (best?.loss ?? .infinity) {
        best = (run.name, run.testLoss)
      }
    }
    table.addRow(["always 1", "", "", "", Format.number(AddingProblemSetup.baseline), ""])
    report.table(table)
    report.recordChoice("lowest test MSE", best?.name ?? "none (all diverged)")
    report.blank()
    report.paragraph(
      "\"clipped\": the share of steps clipping scaled; \"last 50 steps\": the mean batch loss at the end of "
        + "training; \"test MSE\": on 1,024 held-out "
        + "sequences. \"always 1\" is the constant prediction, MSE 1/6 ≈ 0.167.")
    momentumNote(momentum, report: report)
    try report.saveSVGs([("sweep", chart.renderSVG())])
    try report.saveCSV(
      runs.map { ("loss \($0.run.name)", $0.run.losses) } + runs.map { ("norm \($0.run.name)", $0.run.norms) })
  }
}
