import Autograd
import Charts
import Contract
import Datasets
import Foundation
import Harness
import Measures

extension Demos {
  /// Exercise 7, the gradient-health lab: a deep tanh MLP on regression
  /// with outliers (`OutlierRegressionSetup`), trained four times from the
  /// same weights on the same batches with the student's
  /// `trainStepWithReport`: without clipping; clipped to a global norm by
  /// the student's exercise-1 `clipGradNorm`; with the student's
  /// `adaptiveGradClip` on every layer but the last; and with AGC after
  /// the student's `centralizeGradients`. Plain SGD.
  ///
  /// Three parts. The NaN hunt: the unclipped run's per-layer gradient
  /// norms over the steps (one line per weight), the step at which a
  /// gradient first held NaN or inf, and the parameter the student's
  /// report names first in backward order. The four runs side by side:
  /// which diverged (`Divergence.rule`), the test MSE on clean held-out
  /// samples, the share of steps clipping shortened the gradient, and the
  /// update-to-weight ratios. What the logged norm means: the global-norm
  /// run's norm before and after clipping on one chart.
  ///
  /// Defaults: learning rate 0.2 (`learningRate`), 400 steps (`steps`),
  /// batch 32, maxNorm 1 (`threshold`), AGC clipping 0.01 (`agcClipping`, the NFNets paper's value for large batches).
  /// The unclipped run diverges within a few steps and its gradients hold
  /// NaN or inf a few hundred steps later; the others train.
  ///
  /// Files: the per-layer chart at `svgPath`, the test-MSE chart with
  /// suffix `-test`, the logged-norm chart with suffix `-logged`; CSV with each
  /// run's loss and global norms per step and the unclipped run's norm per
  /// layer.
  static func gradientHealth(code: WorkbookCode, options: DemoOptions, output: DemoOutput) throws -> DemoSummary {
    let ex7 = try code.required(\.ex7, .ex7)
    let clipGradNorm = try code.normClipper()
    let report = DemoReport(options: options, output: output)
    let start = Date()
    let steps = max(options.steps ?? 400, 1)
    let learningRate = options.learningRate ?? 0.2
    let maxNorm = options.threshold ?? 1
    let clipping = options.agcClipping ?? defaultAGCClipping
    let setup = try OutlierRegressionSetup(seed: options.seed)
    let batches = setup.batches(steps: steps)
    let owner = options.codeOwner.possessive

    report.title("Exercise 7 · Gradient health (lab)")
    report.paragraph(
      "\(OutlierRegressionSetup.modelDescription) on linear regression with outliers: one sample in 50 has ±50 "
        + "added to its target. Plain SGD, learning rate \(Format.number(learningRate)), batch "
        + "\(OutlierRegressionSetup.batchSize), \(steps) steps, seed \(options.seed). Four runs of \(owner) "
        + "trainStepWithReport from the same weights on the same batches: without clipping; with "
        + "\(options.clipperOwner.possessive) clipGradNorm (maxNorm \(Format.number(maxNorm))); with \(owner) "
        + "adaptiveGradClip (clipping \(Format.number(clipping))) on every layer but the last; and the same after "
        + "\(owner) centralizeGradients. " + Divergence.rule)

    func train(_ name: String, centralize: Bool, clip: GradientHealthCode.Clip) throws -> HealthRun {
      var run = HealthRun(name: name)
      let model = setup.makeModel()
      let optimizer = SGD(model.parameters(), lr: learningRate)
      var lastLoss = Double.nan
      let lossFunction: LossFunction = { prediction, target in
        let loss = try setup.lossFunction(prediction, target)
        lastLoss = loss.item()
        return loss
      }
      let ticker = ProgressTicker(total: steps)
      for (k, batch) in batches.enumerated() {
        let health = try ex7.trainStepWithReport(model, optimizer, batch, lossFunction, centralize, clip)
        run.losses.append(lastLoss)
        run.reports.append(health)
        if (k + 1) % testEvery == 0 { run.testLosses.append(try setup.testLoss(model)) }
        if ticker.shouldReport(k + 1) {
          report.progress("\(name): step \(k + 1)/\(steps), loss \(Format.number(lastLoss))")
        }
        // Once a weight is NaN every later step is NaN too.
        if lastLoss.isNaN { break }
      }
      run.testLoss = run.divergedAt == nil ? try setup.testLoss(model) : .nan
      return run
    }

    let none = try train("no clipping", centralize: false) { _ in }
    let global = try train("clipGradNorm \(Format.number(maxNorm))", centralize: false) {
      try clipGradNorm($0, maxNorm: maxNorm)
    }
    // NFNets leave the final layer unclipped: its weight and bias are the
    // last two parameters.
    let agc: GradientHealthCode.Clip = { try ex7.adaptiveGradClip(Array($0.dropLast(2)), clipping, 1e-3) }
    let adaptive = try train("AGC \(Format.number(clipping))", centralize: false, clip: agc)
    let centralized = try train("AGC + centralization", centralize: true, clip: agc)
    let runs = [none, global, adaptive, centralized]

    try nanHunt(none, steps: steps, report: report)
    // A batch that holds an outlier has a loss near 50² / 32 ≈ 80, so the
    // training loss mostly shows where the outliers fell; the clean
    // held-out samples show what was learned.
    let lossChart = LineChart(
      title: "Test MSE on clean held-out samples, every \(testEvery) steps (log scale)", xLabel: "step",
      yLabel: "test MSE",
      series: runs.enumerated().map { i, run in
        .init(run.name, padded(run.testLosses, to: steps / testEvery), style: i, note: Divergence.note(run.losses))
      },
      logScaleY: true, xStart: testEvery, xStride: testEvery, yMax: 1e4)
    report.heading("Four runs side by side")
    report.chart(lossChart, height: 12)
    report.table(sideBySide(runs, steps: steps))
    report.blank()
    report.paragraph(
      "\"clipped\": the share of steps on which clipping shortened the gradient (its global norm after is below "
        + "the one before). \"update/weight\": each weight's median ratio ‖Δw‖ / ‖w‖ over the steps, smallest and "
        + "largest layer; CS231n's rule of thumb is about 1e-3. \"test MSE\": on clean held-out samples, after "
        + "the last step.")
    let logged = try loggedNorm(global, maxNorm: maxNorm, steps: steps, report: report)

    for run in runs {
      report.recordRun(run.name, diverged: run.divergedAt != nil, run.measures)
    }
    report.record("maxNorm", maxNorm)
    report.record("clipping", clipping)
    report.record("learningRate", learningRate)
    report.record("steps", Double(steps))
    try report.saveSVGs([
      ("layers", try layerChart(none, steps: steps).renderSVG()), ("test", lossChart.renderSVG()),
      ("logged", logged.renderSVG()),
    ])
    try report.saveCSV(
      runs.flatMap { run in
        [
          ("loss \(run.name)", run.losses), ("norm before \(run.name)", run.reports.map(\.globalNormBefore)),
          ("norm after \(run.name)", run.reports.map(\.globalNormAfter)),
        ]
      } + none.layerNames.map { name in ("no clipping \(name) gradNorm", none.series(name, \.gradNorm)) })
    report.record("seconds", elapsed(since: start))
    report.blank()
    report.line("Finished in \(Format.seconds(elapsed(since: start))).")
    return report.summary
  }

  /// Exercise 7's default AGC clipping, for the help and the parser.
  static let defaultAGCClipping = 0.01
  /// Steps between two measures of the test MSE.
  static let testEvery = 10

  /// The per-layer gradient norms of the unclipped run, each to where it
  /// stops being a number. A norm overflows (Σ g² passes 1.8e308) a few
  /// steps before any entry does.
  private static func layerChart(_ run: HealthRun, steps: Int) throws -> LineChart {
    LineChart(
      title: "Gradient norm per weight, no clipping (log scale)", xLabel: "step", yLabel: "‖grad‖",
      series: run.layerNames.enumerated().map { i, name in
        let norms = run.series(name, \.gradNorm)
        let note = norms.firstIndex { !$0.isFinite }.map { "norm \(Format.number(norms[$0])) from step \($0 + 1)" }
        return .init(name, padded(norms, to: steps), style: i, note: note)
      },
      logScaleY: true, xStart: 1)
  }

  /// Part 1: where the unclipped run's gradient first went bad.
  private static func nanHunt(_ run: HealthRun, steps: Int, report: DemoReport) throws {
    report.heading("The NaN hunt")
    report.chart(try layerChart(run, steps: steps), height: 12)
    report.blank()
    guard let step = run.firstNonFiniteStep, let health = run.reports.dropFirst(step - 1).first,
      let name = health.firstNonFinite
    else {
      report.paragraph(
        "Without clipping every gradient stayed finite for \(run.losses.count) steps"
          + (run.divergedAt.map { ", though the run diverged at step \($0)" } ?? "") + ".")
      report.record("nonFiniteStep", fact: "none")
      report.recordChoice("the first NaN/inf gradient, in backward order", "none")
      return
    }
    let entries = health.parameters.first { $0.name == name }?.nonFinite ?? 0
    let count = health.parameters.filter { $0.nonFinite > 0 }.count
    let earlier = run.divergedAt.map { $0 < step ? "The run had diverged at step \($0); " : "" } ?? ""
    report.paragraph(
      "\(earlier)at step \(step) a gradient first held NaN or inf (loss \(Format.number(run.losses[step - 1]))). "
        + "Searching backward from the loss, the report names \(name) first: \(entries) of its entries are "
        + "non-finite, and \(count) of the \(health.parameters.count) parameters hold some. The layers between "
        + "it and the input are bad because its bad values flowed on to them in backward()."
        + normOverflowNote(run, before: step))
    report.record("nonFiniteStep", Double(step))
    report.record("firstNonFinite", fact: name)
    report.recordChoice("the first NaN/inf gradient, in backward order", name)
  }

  /// " The chart's norms reach inf from step 278, …" when a weight's norm
  /// is inf before `step`, while no entry is yet: its squares overflowed.
  private static func normOverflowNote(_ run: HealthRun, before step: Int) -> String {
    let first = run.layerNames.compactMap { name in run.series(name, \.gradNorm).firstIndex { !$0.isFinite } }.min()
    guard let first, first + 1 < step else { return "" }
    return " The chart's norms reach inf from step \(first + 1), while every entry is still finite: "
      + "their squares add up past Double's largest value, 1.8e308."
  }

  /// The table of part 2.
  private static func sideBySide(_ runs: [HealthRun], steps: Int) -> Table {
    var table = Table(columns: [
      .init("run"), .init("diverged", alignment: .right), .init("test MSE", alignment: .right),
      .init("clipped", alignment: .right), .init("update/weight", alignment: .right),
    ])
    for run in runs {
      let ratios = run.ratioRange
      table.addRow([
        run.name, Divergence.cell(run.losses), run.testLoss.isNaN ? "–" : Format.number(run.testLoss),
        Format.percent(run.clippedSteps, of: run.reports.count),
        ratios.map { "\(Format.number($0.low, digits: 2))–\(Format.number($0.high, digits: 2))" } ?? "–",
      ])
    }
    return table
  }

  /// Part 3: the norm a log shows, before clipping, and after.
  private static func loggedNorm(_ run: HealthRun, maxNorm: Double, steps: Int, report: DemoReport) throws -> LineChart {
    let before = run.reports.map(\.globalNormBefore)
    let after = run.reports.map(\.globalNormAfter)
    let chart = LineChart(
      title: "\(run.name): the global norm before and after clipping (log scale)", xLabel: "step", yLabel: "norm",
      series: [
        .init("before clipping (what clipGradNorm returns)", padded(before, to: steps), style: 3),
        .init("after clipping (what the step used)", padded(after, to: steps), style: 0),
        // Dashed black, on top of the clipped norms it bounds.
        .init("maxNorm \(Format.number(maxNorm))", [Double](repeating: maxNorm, count: steps), style: 13),
      ],
      logScaleY: true, xStart: 1)
    report.heading("What the logged norm means")
    report.chart(chart, height: 10)
    report.blank()
    let above = before.filter { $0 > maxNorm }.count
    let highest = after.filter(\.isFinite).max() ?? .nan
    report.paragraph(
      "clipGradNorm returns the norm *before* clipping, and that is what most loops log. It was above maxNorm "
        + "\(Format.number(maxNorm)) on \(above) of \(before.count) steps, up to \(Format.number(before.max() ?? .nan)): "
        + "\"my logged norm is above the limit\" is clipping at work, not failing. The gradient the step used "
        + "never exceeded \(Format.number(highest)).")
    report.record("loggedAbove", Double(above))
    report.record("largestAfter", highest)
    return chart
  }
}

extension Demos {
  /// Calls every function of exercise 7 the demo uses, and exercise 1's
  /// clipping.
  static func probeGradientHealth(
    _ code: WorkbookCode, model: any Module, optimizer: any Optimizer, batch: Batch, loss: @escaping LossFunction
  ) throws {
    let ex7 = try code.required(\.ex7, .ex7)
    _ = try ex7.trainStepWithReport(model, optimizer, batch, loss, true) { try ex7.adaptiveGradClip($0, 0.01, 1e-3) }
    _ = try code.normClipper()(model.parameters(), maxNorm: 1)
  }
}
