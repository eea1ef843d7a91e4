import Autograd
import Charts
import Datasets
import Foundation
import Harness
import Measures

extension Demos {
  /// Exercise 5, the capstone: the same model trained four ways with the
  /// student's `trainWithMixedPrecision`: autocast off (Double, standing in
  /// for float32); float16 without loss scaling (the scale fixed at 1);
  /// float16 with the dynamic scaler; bfloat16 without a scaler, as
  /// PyTorch's bfloat16 recipe runs.
  ///
  /// The model is a deep, narrow MLP on an easy classification: it soon
  /// gets every sample right and grows ever more confident, so its
  /// gradient falls by orders of magnitude, and falls further on its way
  /// back to the first layers. Before each window the demo measures which
  /// share of the gradient's entries the run's type turns into 0 at the
  /// scale that window uses (the same backward passes in Double and under
  /// `autocast`), and after each skipped window, where its scaled
  /// gradients overflowed.
  ///
  /// Defaults: MLP 2→16×6→3 tanh on three clusters, AdamW (learning rate
  /// 0.03, `learningRate`), warmup over 20 steps, maxNorm 1 (`threshold`),
  /// 4 micro-batches of 16 a window (`accumulationSteps`), 1000 windows
  /// (`steps`), initial scale 2¹⁶ (`initScale`), growth interval 20
  /// (`growthInterval`; PyTorch's default is 2000, longer than this run).
  /// `clipBeforeUnscale` adds the arithmetic of clipping a scaled gradient.
  ///
  /// Files: the loss chart at `svgPath`, the underflow chart with suffix
  /// `-underflow`, the scale chart with suffix `-scale`; CSV with each
  /// run's loss and underflow share and the scale per window.
  static func mixedPrecision(code: WorkbookCode, options: DemoOptions, output: DemoOutput) throws -> DemoSummary {
    let ex5 = try code.required(\.ex5, .ex5)
    let clipper = try code.normClipper()
    let report = DemoReport(options: options, output: output)
    let start = Date()
    let setup = try MixedPrecisionSetup(seed: options.seed, microBatches: options.accumulationSteps ?? 4)
    let windows = max(options.steps ?? 1000, 1)
    let learningRate = options.learningRate ?? 0.03
    let maxNorm = options.threshold ?? 1
    let initScale = options.initScale ?? 65536
    let growthInterval = options.growthInterval ?? 20
    let k = setup.microBatches

    report.title("Exercise 5 · Mixed precision (the capstone)")
    report.paragraph(
      "\(setup.description), AdamW with learning rate \(Format.number(learningRate)) and a warmup over "
        + "\(setup.warmupSteps) steps, maxNorm \(Format.number(maxNorm)), \(k) micro-batches of \(setup.microBatchSize) "
        + "a window, \(windows) windows, seed \(options.seed). Four runs of \(options.codeOwner.possessive) "
        + "trainWithMixedPrecision from the same weights on the same batches: autocast off (Double); float16 "
        + "with the scale fixed at 1; float16 with the dynamic scaler (initial scale "
        + "\(Format.number(initScale)), growth interval \(growthInterval)); bfloat16 with no scaler.")

    let loop = MixedPrecisionRun.Loop(
      code: ex5, clipper: clipper, setup: setup, windows: windows, learningRate: learningRate, maxNorm: maxNorm)
    func train(_ name: String, _ dtype: DType?, _ lossScale: LossScale) throws -> MixedPrecisionRun {
      try MixedPrecisionRun.train(name, dtype, lossScale: lossScale, loop: loop, progress: report.progress)
    }
    /// A scaler that never moves: the scale stays at 1.
    let noScaler = LossScale(initScale: 1, growthFactor: 1, backoffFactor: 1, growthInterval: .max)
    let double = try train("Double", nil, noScaler)
    let unscaled = try train("fp16, scale 1", .float16, noScaler)
    let scaled = try train(
      "fp16, dynamic scale", .float16, LossScale(initScale: initScale, growthInterval: growthInterval))
    let brain = try train("bf16, no scaler", .bfloat16, noScaler)
    let runs = [double, unscaled, scaled, brain]

    let charts = mixedPrecisionCharts(runs)
    report.chart(charts.loss, height: 14)
    report.chart(charts.underflow, height: 8)
    report.chart(charts.scale, height: 8)
    mixedPrecisionFindings(runs, report: report)

    if options.clipBeforeUnscale {
      try clipBeforeUnscaleAnalysis(setup: setup, maxNorm: maxNorm, scale: initScale, learningRate: learningRate, report: report)
    }

    for run in runs {
      report.recordRun(
        run.name, diverged: Divergence.step(run.losses) != nil,
        [("test loss", run.testLoss), ("% lost to 0, last ¼", run.lateUnderflow * 100),
          ("windows skipped", Double(run.skipped.count))])
    }
    for (key, run) in zip(["double", "unscaled", "scaled", "bfloat16"], runs) {
      report.record("\(key)TestLoss", run.testLoss)
      report.record("\(key)LateUnderflow", run.lateUnderflow)
      report.record("\(key)Skipped", Double(run.skipped.count))
    }
    report.record("overflowsInBackward", Double(scaled.overflowPasses.backward))
    report.record("overflowsInForward", Double(scaled.overflowPasses.forward))
    report.record("finalScale", scaled.scales.last ?? .nan)
    try report.saveSVGs([
      ("loss", charts.loss.renderSVG()), ("underflow", charts.underflow.renderSVG()),
      ("scale", charts.scale.renderSVG()),
    ])
    try report.saveCSV(
      runs.map { ("loss \($0.name)", $0.losses) }
        + runs.filter { $0.dtype != nil }.map { ("underflow \($0.name)", $0.underflow) }
        + [("scale", scaled.scales)])
    report.record("seconds", elapsed(since: start))
    report.blank()
    report.line("Finished in \(Format.seconds(elapsed(since: start))).")
    return report.summary
  }

  /// The loss of every run, the share of entries each low-precision run
  /// lost to 0, and the dynamic scale (`runs[2]`).
  static func mixedPrecisionCharts(_ runs: [MixedPrecisionRun]) -> (loss: LineChart, underflow: LineChart, scale: LineChart) {
    let scaled = runs[2]
    let loss = LineChart(
      title: "Training loss per window (log scale)", xLabel: "window", yLabel: "loss",
      series: runs.map { .init($0.name, $0.losses) }, logScaleY: true, xStart: 1)
    let underflow = LineChart(
      title: "Share of gradient entries rounded to 0 (%)", xLabel: "window", yLabel: "%",
      series: runs.filter { $0.dtype != nil }.map { .init($0.name, $0.underflow.map { $0 * 100 }) }, xStart: 1)
    // Each spike is a doubling whose next window overflowed: that window is
    // skipped and the scale halves. The paragraph below lists them.
    let skippedNote = scaled.skipped.isEmpty ? "none skipped" : "\(scaled.skipped.count) windows skipped"
    let scale = LineChart(
      title: "The dynamic scale per window (log scale); \(skippedNote)", xLabel: "window", yLabel: "scale",
      series: [.init("scale", scaled.scales)], logScaleY: true, xStart: 1)
    return (loss, underflow, scale)
  }

  /// The table of the four runs `[double, unscaled, scaled, bfloat16]`, and
  /// what they show in words.
  static func mixedPrecisionFindings(_ runs: [MixedPrecisionRun], report: DemoReport) {
    let (double, unscaled, scaled, brain) = (runs[0], runs[1], runs[2], runs[3])
    var table = Table(columns: [
      .init("run"), .init("test loss", alignment: .right), .init("lost to 0, last ¼", alignment: .right),
      .init("skipped", alignment: .right), .init("final scale", alignment: .right),
    ])
    for run in runs {
      table.addRow([
        run.name, Format.number(run.testLoss), Format.fixed(run.lateUnderflow * 100, 1) + " %",
        "\(run.skipped.count)", Format.number(run.scales.last ?? .nan),
      ])
    }
    report.table(table)
    report.blank()
    let skippedList = scaled.skipped.prefix(8).map(String.init).joined(separator: ", ")
      + (scaled.skipped.count > 8 ? ", …" : "")
    report.paragraph(
      "Without scaling, \(Format.fixed(unscaled.lateUnderflow * 100, 1)) % of the gradient entries of "
        + "the last quarter of the windows were 0 in float16 and the test loss ended at "
        + "\(Format.number(unscaled.testLoss)), against \(Format.number(double.testLoss)) in Double. With the "
        + "dynamic scale, \(Format.fixed(scaled.lateUnderflow * 100, 1)) % were lost and it ended at "
        + "\(Format.number(scaled.testLoss)). In bfloat16, with no scale, "
        + "\(Format.fixed(brain.lateUnderflow * 100, 1)) % were lost (its exponent is float32's) and it "
        + "ended at \(Format.number(brain.testLoss)). The scaler skipped \(scaled.skipped.count) window(s)"
        + (scaled.skipped.isEmpty ? "" : " (\(skippedList))")
        + ": each time its scaled gradients overflowed, it halved the scale and tried again.")
    if let summary = overflowSummary(scaled.overflows) { report.paragraph(summary) }
  }

  /// "Where the scaled gradients overflowed: backward pass, layers.6.weight
  /// (29 of 29 skips)": each place, most frequent first; nil for no skip.
  static func overflowSummary(_ sources: [String]) -> String? {
    guard !sources.isEmpty else { return nil }
    var counts: [(String, Int)] = []
    for source in sources {
      if let i = counts.firstIndex(where: { $0.0 == source }) { counts[i].1 += 1 } else { counts.append((source, 1)) }
    }
    let parts = counts.sorted { $0.1 > $1.1 }.map { "\($0.0) (\($0.1) of \(sources.count) skips)" }
    return "Where the scaled gradients overflowed, found by running each skipped window again (the gradient "
      + "nearest the loss that held an inf or NaN): " + parts.joined(separator: "; ") + "."
  }

  /// The first window's arithmetic when the scaled gradient is clipped.
  static func clipBeforeUnscaleAnalysis(
    setup: MixedPrecisionSetup, maxNorm: Double, scale: Double, learningRate: Double, report: DemoReport
  ) throws {
    let model = setup.makeModel()
    let norm = try setup.gradientNorm(model, setup.window(0))
    let rightNorm = min(norm, maxNorm)
    // Clipped while still scaled: the threshold is met by scale × norm, so
    // after unscaling the gradient is maxNorm / scale long.
    let wrongNorm = scale * norm > maxNorm ? maxNorm / scale : norm
    report.heading("Clipping before unscaling, on the first window")
    report.paragraph(
      "The norm of the first window's gradient as clipGradNorm sees it, the norm of the gradient the step then "
        + "uses, and the length of a plain SGD step with it (learning rate \(Format.number(learningRate))).")
    var table = Table(columns: [
      .init("order"), .init("clip sees", alignment: .right), .init("steps with", alignment: .right),
      .init("SGD step", alignment: .right),
    ])
    table.addRow(["unscale, clip", Format.number(norm), Format.number(rightNorm), Format.number(learningRate * rightNorm)])
    table.addRow([
      "clip, unscale (wrong)", Format.number(scale * norm), Format.number(wrongNorm),
      Format.number(learningRate * wrongNorm),
    ])
    report.table(table)
    report.blank()
    report.paragraph(
      "Clipped while scaled, the gradient's norm is \(Format.number(scale))× too large, so clipping fires at an "
        + "effective threshold of maxNorm / scale = \(Format.number(maxNorm / scale)). Plain SGD would step "
        + "\(Format.number(rightNorm / wrongNorm))× too short. AdamW hides most of it, since it divides each "
        + "entry by its own running size, until the gradients come near its epsilon (1e-8).")
    report.record("clipSeenNorm", scale * norm)
    report.record("clipWrongNorm", wrongNorm)
  }
}
