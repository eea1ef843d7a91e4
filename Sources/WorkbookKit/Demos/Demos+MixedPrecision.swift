import Autograd
import Charts
import Datasets
import Foundation
import Harness
import Measures

extension Demos {
  /// Exercise 5, the capstone: the same model trained three ways with the
  /// student's `trainWithMixedPrecision`: Double gradients; half-precision
  /// gradients without loss scaling (the scale fixed at 1); half precision
  /// with the dynamic scaler.
  ///
  /// The model is a deep, narrow MLP on an easy classification: it soon
  /// gets every sample right and grows ever more confident, so its
  /// gradient falls by orders of magnitude, and falls further on its way
  /// back to the first layers. Before each window the engine measures which
  /// share of the gradient's entries half precision turns into 0 at the
  /// scale that window uses (the same backward passes in Double and under
  /// `autocast`).
  ///
  /// Defaults: MLP 2→16×6→3 tanh on three clusters, AdamW (learning rate
  /// 0.03, `learningRate`), warmup over 20 steps, maxNorm 1 (`threshold`),
  /// 4 micro-batches of 16 a window (`accumulationSteps`), 1000 windows
  /// (`steps`), initial scale 2¹⁶ (`initScale`), growth interval 100
  /// (`growthInterval`; PyTorch's default is 2000, too long to see here).
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
    let growthInterval = options.growthInterval ?? 100
    let k = setup.microBatches

    report.title("Exercise 5 · Mixed precision (the capstone)")
    report.paragraph(
      "\(setup.description), AdamW with learning rate \(Format.number(learningRate)) and a warmup over "
        + "\(setup.warmupSteps) steps, maxNorm \(Format.number(maxNorm)), \(k) micro-batches of \(setup.microBatchSize) "
        + "a window, \(windows) windows, seed \(options.seed). Three runs of \(options.codeOwner.possessive) "
        + "trainWithMixedPrecision from the same weights on the same batches: Double gradients; half-precision "
        + "gradients with the scale fixed at 1; half precision with the dynamic scaler (initial scale "
        + "\(Format.number(initScale)), growth interval \(growthInterval)).")

    struct Run {
      var name: String
      var losses: [Double] = []
      var underflow: [Double] = []
      var scales: [Double] = []
      var skipped: [Int] = []
      var testLoss = Double.nan
    }

    func train(_ name: String, half: Bool, lossScale initial: LossScale) throws -> Run {
      var run = Run(name: name)
      let model = setup.makeModel()
      let optimizer = AdamW(model.parameters(), lr: learningRate)
      let scheduler = LinearWarmup(optimizer, warmupSteps: setup.warmupSteps)
      var lossScale = initial
      let ticker = ProgressTicker(total: windows)
      for w in 0..<windows {
        let batches = setup.window(w)
        // What the window's gradient contributions would lose: measured in
        // Double, at the scale this window uses.
        let scale = half ? lossScale.scale : 1
        run.underflow.append(half ? try setup.underflowShare(model, batches, scale: scale) : 0)
        let records = try autocast(half) {
          try ex5.trainWithMixedPrecision(
            model, optimizer, scheduler, batches, k, setup.lossFunction, maxNorm, &lossScale, clipper)
        }
        guard let record = records.first, records.count == 1 else {
          throw CommandFailure("one window of \(k) micro-batches gave \(records.count) records, expected 1")
        }
        run.losses.append(record.loss)
        run.scales.append(record.scale)
        if !record.stepped { run.skipped.append(w + 1) }
        if ticker.shouldReport(w + 1) {
          report.progress(
            "\(name): window \(w + 1)/\(windows), loss \(Format.number(record.loss)), scale \(Format.number(record.scale))")
        }
      }
      run.testLoss = try setup.testLoss(model)
      return run
    }

    let double = try train("Double", half: false, lossScale: LossScale(initScale: 1, growthInterval: .max))
    let unscaled = try train(
      "half, scale 1", half: true,
      lossScale: LossScale(initScale: 1, growthFactor: 1, backoffFactor: 1, growthInterval: .max))
    let scaled = try train(
      "half, dynamic scale", half: true, lossScale: LossScale(initScale: initScale, growthInterval: growthInterval))
    let runs = [double, unscaled, scaled]

    let lossChart = LineChart(
      title: "Training loss per window (log scale)", xLabel: "window", yLabel: "loss",
      series: runs.map { .init($0.name, $0.losses) }, logScaleY: true, xStart: 1)
    let underflowChart = LineChart(
      title: "Share of gradient entries that half precision turns into 0 (%)", xLabel: "window",
      yLabel: "%", series: [unscaled, scaled].map { .init($0.name, $0.underflow.map { $0 * 100 }) }, xStart: 1)
    // Each spike is a doubling whose next window overflowed: that window is
    // skipped and the scale halves. The title names the skipped windows.
    let skippedNote = scaled.skipped.isEmpty
      ? "none skipped"
      : "skipped: " + scaled.skipped.prefix(4).map(String.init).joined(separator: ", ")
        + (scaled.skipped.count > 4 ? ", … (\(scaled.skipped.count))" : "")
    let scaleChart = LineChart(
      title: "The dynamic scale per window (log scale); \(skippedNote)", xLabel: "window", yLabel: "scale",
      series: [.init("scale", scaled.scales)], logScaleY: true, xStart: 1)
    report.chart(lossChart, height: 14)
    report.chart(underflowChart, height: 8)
    report.chart(scaleChart, height: 8)

    let quarter = max(windows / 4, 1)
    func lateMean(_ values: [Double]) -> Double { values.suffix(quarter).reduce(0, +) / Double(min(quarter, values.count)) }
    var table = Table(columns: [
      .init("run"), .init("test loss", alignment: .right), .init("lost to 0, last ¼", alignment: .right),
      .init("skipped", alignment: .right), .init("final scale", alignment: .right),
    ])
    for run in runs {
      table.addRow([
        run.name, Format.number(run.testLoss), Format.fixed(lateMean(run.underflow) * 100, 1) + " %",
        "\(run.skipped.count)", Format.number(run.scales.last ?? .nan),
      ])
    }
    report.table(table)
    report.blank()
    let skippedList = scaled.skipped.prefix(8).map(String.init).joined(separator: ", ")
      + (scaled.skipped.count > 8 ? ", …" : "")
    report.paragraph(
      "Without scaling, \(Format.fixed(lateMean(unscaled.underflow) * 100, 1)) % of the gradient entries of "
        + "the last quarter of the windows were 0 in half precision and the test loss ended at \(Format.number(unscaled.testLoss)), against "
        + "\(Format.number(double.testLoss)) in Double. With the dynamic scale, \(Format.fixed(lateMean(scaled.underflow) * 100, 1)) "
        + "% were lost and it ended at \(Format.number(scaled.testLoss)). The scaler skipped "
        + "\(scaled.skipped.count) window(s)" + (scaled.skipped.isEmpty ? "" : " (\(skippedList))")
        + ": each time its scaled gradients overflowed, it halved the scale and tried again.")

    if options.clipBeforeUnscale {
      try clipBeforeUnscaleAnalysis(setup: setup, maxNorm: maxNorm, scale: initScale, learningRate: learningRate, report: report)
    }

    for run in runs {
      report.recordRun(
        run.name, diverged: Divergence.step(run.losses) != nil,
        [("test loss", run.testLoss), ("% lost to 0, last ¼", lateMean(run.underflow) * 100),
          ("windows skipped", Double(run.skipped.count))])
    }
    for (key, run) in zip(["double", "unscaled", "scaled"], runs) {
      report.record("\(key)TestLoss", run.testLoss)
      report.record("\(key)LateUnderflow", lateMean(run.underflow))
      report.record("\(key)Skipped", Double(run.skipped.count))
    }
    report.record("finalScale", scaled.scales.last ?? .nan)
    try report.saveSVGs([
      ("loss", lossChart.renderSVG()), ("underflow", underflowChart.renderSVG()), ("scale", scaleChart.renderSVG()),
    ])
    try report.saveCSV(
      runs.map { ("loss \($0.name)", $0.losses) } + [unscaled, scaled].map { ("underflow \($0.name)", $0.underflow) }
        + [("scale", scaled.scales)])
    report.record("seconds", elapsed(since: start))
    report.blank()
    report.line("Finished in \(Format.seconds(elapsed(since: start))).")
    return report.summary
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

/// The capstone demo's model and data: a classifier that separates its
/// classes ever more confidently, so its cross-entropy, and with it the
/// gradient, falls by orders of magnitude as it trains.
struct MixedPrecisionSetup {
  let seed: UInt64
  let microBatches: Int
  static let microBatchSize = 16
  var microBatchSize: Int { Self.microBatchSize }
  let warmupSteps = 20
  static let hidden = 16
  /// Six tanh layers: the gradient shrinks on its way back through them,
  /// so the first layers' is the first to fall under half's range.
  static let depth = 6
  let data: Dataset
  let test: Batch
  let lossFunction: LossFunction = { try softmaxCrossEntropy($0, $1) }

  init(seed: UInt64, microBatches: Int) throws {
    self.seed = seed
    self.microBatches = microBatches
    var rng = SplitMix64(seed: seed &+ 0xF16)
    // Three well-separated clusters: a classifier soon gets every sample
    // right and then grows ever more confident, so its gradient shrinks
    // steadily toward half precision's smallest values.
    func clusters(_ count: Int) throws -> Batch {
      let noise = Tensor.randn([count, 2], std: 0.6, rng: &rng).data
      var inputs: [Double] = []
      var labels: [Double] = []
      for i in 0..<count {
        let label = i % 3
        let angle = 2 * Double.pi * Double(label) / 3
        inputs += [3 * Foundation.cos(angle) + noise[2 * i], 3 * Foundation.sin(angle) + noise[2 * i + 1]]
        labels.append(Double(label))
      }
      return try Batch(inputs: Tensor(inputs, shape: [count, 2]), targets: Tensor(labels, shape: [count]))
    }
    let training = try clusters(768)
    data = try Dataset(inputs: training.inputs, targets: training.targets, name: "clusters")
    test = try clusters(192)
  }

  var description: String {
    "An MLP 2→\(Self.hidden)×\(Self.depth)→3 (tanh) classifying three clusters (cross-entropy)"
  }

  func makeModel() -> MLP {
    var rng = SplitMix64(seed: seed)
    return MLP([2] + Array(repeating: Self.hidden, count: Self.depth) + [3], activation: .tanh, rng: &rng)
  }

  /// Window `w`'s micro-batches, cycling through the data in a fixed order.
  func window(_ w: Int) -> [Batch] {
    (0..<microBatches).map { i in
      let first = ((w * microBatches + i) * microBatchSize) % data.count
      let indices = (0..<microBatchSize).map { (first + $0) % data.count }
      return data.batch(indices)
    }
  }

  /// The share of the window's gradient entries that half precision turns
  /// into 0 at `scale`: nonzero when computed in Double, exactly 0 when the
  /// same backward passes run under `autocast`.
  func underflowShare(_ model: any Module, _ batches: [Batch], scale: Double) throws -> Double {
    let total = Double(batches.reduce(0) { $0 + $1.count })
    func gradient(half: Bool) throws -> [Double] {
      let copy = makeModel()
      for (p, q) in zip(copy.parameters(), model.parameters()) { p.data = q.data }
      try autocast(half) {
        for batch in batches {
          let loss = try lossFunction(copy(batch.inputs), batch.targets)
          try (loss * (Double(batch.count) / total * scale)).backward()
        }
      }
      return Compare.flatGradients(of: copy)
    }
    let exact = try gradient(half: false)
    let half = try gradient(half: true)
    let lost = Compare.lostToZero(exact: exact, rounded: half)
    return Double(lost) / Double(max(exact.count, 1))
  }

  /// The norm of the window's gradient in Double, at the model's weights.
  func gradientNorm(_ model: any Module, _ batches: [Batch]) throws -> Double {
    let total = Double(batches.reduce(0) { $0 + $1.count })
    for batch in batches {
      try (lossFunction(model(batch.inputs), batch.targets) * (Double(batch.count) / total)).backward()
    }
    return Baseline.gradientNorm(model.parameters())
  }

  func testLoss(_ model: any Module) throws -> Double {
    try noGrad { try lossFunction(model(test.inputs), test.targets).item() }
  }
}

extension Array {
  fileprivate func chunked(_ size: Int) -> [[Element]] {
    stride(from: 0, to: count, by: size).map { Array(self[$0..<Swift.min($0 + size, count)]) }
  }
}
