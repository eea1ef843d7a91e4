import Autograd
import Contract
import Charts
import Datasets
import Foundation
import Harness
import Measures

extension Demos {
  /// Exercise 3: one large batch, the same batch as k micro-batches through
  /// the student's `trainWithAccumulation`, and a small batch without
  /// accumulation, on a spiral classifier.
  ///
  /// 1. From the same start, one step each: the largest absolute difference
  ///    between the accumulated and the large-batch gradient and parameters
  ///    (rounding only, below 1e-10, when the loop is right).
  /// 2. The peak activation memory of one forward + backward pass: the
  ///    large batch against one micro-batch (`MemoryMeter`).
  /// 3. A memory budget between the two: the large batch runs out of
  ///    memory (the `TensorError.outOfMemory` message is printed), the
  ///    student's accumulation step fits.
  /// 4. Loss curves of the three over training, and each model's loss and
  ///    accuracy on the whole data set at the end.
  ///
  /// Defaults: 3 spirals of 512 points, an MLP 2→64→64→3 with tanh,
  /// softmax cross-entropy, plain SGD at learning rate 1 (`learningRate`),
  /// a large batch of 256 as 4 micro-batches of 64 (`accumulationSteps`;
  /// the micro-batch is 256 / k), 300 optimizer steps for each run
  /// (`steps`); the small-batch run takes its 300 steps on batches of one
  /// micro-batch's size. A debug build runs it in under a second.
  ///
  /// `noScaling` adds the demo's own accumulation loop that skips dividing
  /// each micro-batch's loss (labelled as the wrong way): its gradient is k
  /// times the large batch's, so it trains as if the learning rate were k
  /// times larger.
  ///
  /// Files: the loss chart at `svgPath`; CSV with each run's loss per step.
  static func accumulation(code: WorkbookCode, options: DemoOptions, output: DemoOutput) throws -> DemoSummary {
    let ex3 = try code.required(\.ex3, .ex3)
    let report = DemoReport(options: options, output: output)
    let start = Date()
    let steps = max(options.steps ?? 300, 1)
    let learningRate = options.learningRate ?? 1
    let largeBatch = spiralBatch
    let k = options.accumulationSteps ?? 4
    guard accumulationStepsRange(.ex3).contains(k) else {
      throw WorkbookError.invalidArgument(
        function: "workbook run ex3", detail: "accumulationSteps must be in 1...\(largeBatch), got \(k)")
    }
    let problem = try SpiralProblem(seed: options.seed, batchSize: largeBatch)
    let batches = problem.batches(steps: steps)
    let microSizes = try batches[0].split(into: k).map(\.count)
    let microName =
      Set(microSizes).count == 1 ? "\(k) × \(microSizes[0])" : microSizes.map(String.init).joined(separator: " + ")
    let smallBatch = microSizes[0]

    report.title("Exercise 3 · Gradient accumulation with loss scaling")
    report.paragraph(
      "An MLP 2→64→64→3 (tanh) classifies 3 interleaved spirals of 512 points with softmax cross-entropy; "
        + "plain SGD, learning rate \(Format.number(learningRate)), seed \(options.seed). The large batch holds "
        + "\(largeBatch) points; \(options.codeOwner.possessive) trainWithAccumulation takes it as \(microName) with accumulationSteps \(k).")

    // 1. One step from the same start.
    report.heading("1. One step from the same start")
    let batch = batches[0]
    let micro = try batch.split(into: k)
    let reference = problem.makeModel()
    let referenceOptimizer = GradientRecordingSGD(reference.parameters(), lr: learningRate)
    _ = try Baseline.step(
      model: reference, optimizer: referenceOptimizer, batch: batch, lossFunction: problem.lossFunction)
    let largeGradient = referenceOptimizer.lastGradient!
    let largeParameters = Compare.parameters(of: reference)

    func oneStep(_ loop: (any Module, any Optimizer, [Batch]) throws -> Void) throws -> (
      grad: [[Double]], params: [[Double]]
    ) {
      let model = problem.makeModel()
      let optimizer = GradientRecordingSGD(model.parameters(), lr: learningRate)
      try loop(model, optimizer, micro)
      guard let gradient = optimizer.lastGradient else {
        throw WorkbookError.invalidArgument(
          function: "trainWithAccumulation", detail: "no optimizer step was taken for a window of \(k) micro-batches")
      }
      return (gradient, Compare.parameters(of: model))
    }
    let accumulated = try oneStep { model, optimizer, micro in
      _ = try ex3.trainWithAccumulation(model, optimizer, micro, k, problem.lossFunction)
    }
    var oneStepTable = Table(columns: [
      .init("one step on \(largeBatch) points"), .init("grad norm", alignment: .right),
      .init("max |Δ grad|", alignment: .right), .init("max |Δ params|", alignment: .right),
    ])
    oneStepTable.addRow([
      "one batch of \(largeBatch) (engine)", Format.number(Compare.norm(largeGradient), digits: 4), "–", "–",
    ])
    let gradientDifference = Compare.largestDifference(accumulated.grad, largeGradient)
    let parameterDifference = Compare.largestDifference(accumulated.params, largeParameters)
    oneStepTable.addRow([
      "\(microName), \(options.codeOwner.codeLabel)", Format.number(Compare.norm(accumulated.grad), digits: 4),
      Format.tiny(gradientDifference), Format.tiny(parameterDifference),
    ])
    var unscaled: (grad: [[Double]], params: [[Double]])?
    if options.noScaling {
      unscaled = try oneStep { model, optimizer, micro in
        _ = try trainWithAccumulationWithoutScaling(model, optimizer, micro, k, problem.lossFunction)
      }
      oneStepTable.addRow([
        "\(microName), NOT scaled (wrong)", Format.number(Compare.norm(unscaled!.grad), digits: 4),
        Format.tiny(Compare.largestDifference(unscaled!.grad, largeGradient)),
        Format.tiny(Compare.largestDifference(unscaled!.params, largeParameters)),
      ])
    }
    report.table(oneStepTable)
    report.blank()
    if gradientDifference < 1e-10 {
      let weighting =
        Set(microSizes).count == 1
        ? "weighting each micro-batch's mean loss by its share nᵢ/N = 1/\(k) (the same as dividing by \(k), "
          + "since the micro-batches are equal) makes the sum of the \(k) gradients their mean."
        : "with micro-batches of \(microName), each micro-batch's mean loss weighted by its share nᵢ/N ("
          + Array(Set(microSizes)).sorted(by: >).map { "\($0)/\(largeBatch)" }.joined(separator: " or ")
          + ") makes the sum of the \(k) gradients the mean over all \(largeBatch) points; dividing by \(k) "
          + "would weight the points of the smaller micro-batches more."
      report.paragraph(
        "\(options.codeOwner.capitalizedPossessive) accumulated gradient is the large batch's gradient up to rounding (largest difference "
          + "\(Format.tiny(gradientDifference))): " + weighting)
    } else {
      report.paragraph(
        "\(options.codeOwner.capitalizedPossessive) accumulated gradient differs from the large batch's by up to \(Format.tiny(gradientDifference)) "
          + "(its norm is \(Format.number(Compare.norm(accumulated.grad) / Compare.norm(largeGradient), digits: 3)) × "
          + "the large batch's). Check the loss scaling and when the gradients are zeroed.")
    }
    if let unscaled {
      report.paragraph(
        "Without scaling, the gradient is the sum of \(k) micro-batch means instead of their mean: "
          + "\(Format.number(Compare.norm(unscaled.grad) / Compare.norm(largeGradient), digits: 3)) × as long, so "
          + "every step is as if the learning rate were "
          + (Set(microSizes).count == 1 ? "" : "about ") + "\(k) × \(Format.number(learningRate)).")
      report.record("unscaledGradientRatio", Compare.norm(unscaled.grad) / Compare.norm(largeGradient))
      report.record("unscaledMaxGradientDifference", Compare.largestDifference(unscaled.grad, largeGradient))
    }
    report.record("maxGradientDifference", gradientDifference)
    report.record("maxParameterDifference", parameterDifference)

    // 2. and 3. Memory.
    report.heading("2. Activation memory of one forward + backward pass")
    let fullPeak = try problem.peakBytes(of: batch)
    let microPeak = try problem.peakBytes(of: micro.max { $0.count < $1.count }!)
    var memory = Table(columns: [.init("forward + backward"), .init("peak activations", alignment: .right)])
    memory.addRow(["one batch of \(largeBatch)", MemoryMeter.format(fullPeak)])
    memory.addRow(["one micro-batch of \(micro.map(\.count).max()!)", MemoryMeter.format(microPeak)])
    report.table(memory)
    report.record("peakBytesFullBatch", Double(fullPeak))
    report.record("peakBytesMicroBatch", Double(microPeak))

    let budget = (fullPeak + microPeak) / 2
    report.heading("3. Under a budget of \(MemoryMeter.format(budget))")
    report.record("budgetBytes", Double(budget))
    do {
      _ = try problem.peakBytes(of: batch, budget: budget)
      report.line("The batch of \(largeBatch) fits (k = \(k) leaves no room for a budget between the two).")
      report.record("fullBatchUnderBudget", fact: "fits")
    } catch let error as TensorError {
      report.line("One batch of \(largeBatch):")
      report.paragraph(error.description, indent: "  ")
      report.record("fullBatchUnderBudget", fact: "out of memory")
      report.record("fullBatchError", fact: error.description)
    }
    let meter = MemoryMeter(budget: budget)
    do {
      let model = problem.makeModel()
      let optimizer = SGD(model.parameters(), lr: learningRate)
      _ = try meter.measure { try ex3.trainWithAccumulation(model, optimizer, micro, k, problem.lossFunction) }
      report.line(
        "\(options.codeOwner.capitalizedPossessive) accumulation step over \(microName): fits, peak \(MemoryMeter.format(meter.peakBytes)).")
      report.record("accumulationUnderBudget", fact: "fits")
      report.record("peakBytesAccumulation", Double(meter.peakBytes))
    } catch let error as TensorError {
      report.line("\(options.codeOwner.capitalizedPossessive) accumulation step over \(microName):")
      report.paragraph(error.description, indent: "  ")
      report.paragraph(
        "It keeps more than one micro-batch's graph alive: call backward() on each micro-batch's loss before "
          + "the next forward pass, rather than adding the losses up first.")
      report.record("accumulationUnderBudget", fact: "out of memory")
    }

    // 4. Training.
    report.heading("4. Training, \(steps) optimizer steps each")
    func progress(_ name: String, _ step: Int, _ loss: Double, _ ticker: ProgressTicker) {
      if ticker.shouldReport(step) {
        report.progress("\(name): step \(step)/\(ticker.total), loss \(Format.number(loss))")
      }
    }
    // One step per batch, on the engine's reference step.
    func plainRun(_ name: String, _ label: String, batchSize: Int, _ data: [Batch]) throws -> SpiralRun {
      try problem.train(name, batchSize: batchSize, steps: data.count) { model, ticker in
        let optimizer = SGD(model.parameters(), lr: learningRate)
        return try data.enumerated().map { i, batch in
          let loss = try Baseline.step(
            model: model, optimizer: optimizer, batch: batch, lossFunction: problem.lossFunction
          ).loss
          progress(label, i + 1, loss, ticker)
          return loss
        }
      }
    }
    // One window of k micro-batches per large batch, through `loop`.
    func accumulatedRun(
      _ name: String, _ label: String,
      _ loop: (any Module, any Optimizer, [Batch], Int, LossFunction) throws -> [Double]
    ) throws -> SpiralRun {
      try problem.train(name, batchSize: largeBatch, steps: steps) { model, ticker in
        let optimizer = SGD(model.parameters(), lr: learningRate)
        return try batches.enumerated().flatMap { i, batch in
          let losses = try loop(model, optimizer, batch.split(into: k), k, problem.lossFunction)
          progress(label, i + 1, losses.last ?? .nan, ticker)
          return losses
        }
      }
    }
    var runs: [SpiralRun] = []
    runs.append(try plainRun("one batch of \(largeBatch)", "one batch of \(largeBatch)", batchSize: largeBatch, batches))
    runs.append(
      try accumulatedRun(
        "\(microName), accumulated (\(options.codeOwner.codeLabel))", "accumulated", ex3.trainWithAccumulation))
    if options.noScaling {
      runs.append(
        try accumulatedRun("\(microName), NOT scaled (wrong)", "not scaled", trainWithAccumulationWithoutScaling))
    }
    // The small batch: the micro-batches in order, one step each; once
    // with as many steps as the large batch (it sees 1/k of the points),
    // once with k times as many (every point the large batch saw).
    var smallBatches: [Batch] = []
    for batch in batches { smallBatches += try batch.split(into: k) }
    runs.append(
      try plainRun(
        "batch of \(smallBatch), no accumulation", "batch of \(smallBatch)", batchSize: smallBatch,
        Array(smallBatches.prefix(steps))))
    let equalSamples = try plainRun(
      "batch of \(smallBatch), \(k)× the steps", "batch of \(smallBatch), \(k)× the steps", batchSize: smallBatch,
      smallBatches)

    // The small batch first and the unscaled run next, so the large-batch
    // curves are drawn over them, and the accumulated run last: on top of
    // the large batch it matches (the chart says so, and dashes it). Each
    // run keeps its style whatever is drawn.
    // The k-times-the-steps run is drawn per large-batch step too: each
    // point the mean of its k steps on the same points.
    let styles = options.noScaling ? [0, 1, 3, 2] : [0, 1, 2]
    let drawingOrder = [runs.count - 1] + (options.noScaling ? [2, 0, 1] : [0, 1])
    let equalSamplesCurve = windows(of: equalSamples.losses, size: k).map { mean($0) }
    let chart = LineChart(
      title: "Training loss (cross-entropy): mean of \(AddingProblemSetup.lossWindow) batches",
      xLabel: "optimizer step", yLabel: "loss",
      series: [
        .init(
          "\(equalSamples.name): mean of each \(k)",
          padded(smoothed(equalSamplesCurve, window: AddingProblemSetup.lossWindow), to: steps), style: 4,
          note: Divergence.note(equalSamples.losses))
      ]
        + drawingOrder.map { index in
          .init(
            runs[index].name, padded(smoothed(runs[index].losses, window: AddingProblemSetup.lossWindow), to: steps),
            style: styles[index], note: Divergence.note(runs[index].losses))
        },
      xStart: 1, yMax: 2)
    report.chart(chart, height: 14)
    var table = Table(columns: [
      .init("run"), .init("steps × size", alignment: .right), .init("loss, all", alignment: .right),
      .init("accuracy", alignment: .right),
    ])
    for run in runs + [equalSamples] {
      table.addRow([
        run.name, "\(run.losses.count) × \(run.batchSize)", Format.number(run.finalLoss),
        Format.fixed(100 * run.accuracy, 1) + " %",
      ])
    }
    report.table(table)
    report.blank()
    let finalDifference = Compare.largestDifference(runs[1].finalParameters, runs[0].finalParameters)
    let sameRun =
      finalDifference < 1e-8
      ? "After \(steps) steps the accumulated run's parameters differ from the large batch's by at most "
        + "\(Format.tiny(finalDifference)): the same run, its curve drawn on top of the large batch's."
      : "After \(steps) steps the accumulated run's parameters differ from the large batch's by up to "
        + "\(Format.tiny(finalDifference)): accumulation did not reproduce the large batch."
    report.paragraph(
      "\"loss, all\" and accuracy: on all \(problem.data.count) points after training. " + sameRun
        + " The batch of \(smallBatch) takes as many steps on 1/\(k) of the points each: a noisier gradient, and "
        + "it has seen fewer points. Given \(k)× the steps, it sees every point the large batch saw, in "
        + "\(k)× as many, noisier steps: the comparison at equal samples.")
    let diverged = runs.filter { Divergence.step($0.losses) != nil }
    if !diverged.isEmpty {
      report.paragraph(
        Divergence.rule + " "
          + diverged.map { "\($0.name): \(Divergence.note($0.losses)!)" }.joined(separator: "; ") + ".")
    }
    report.record("finalParameterDifference", finalDifference)
    report.record("equalSamplesFinalLoss", equalSamples.finalLoss)
    report.record("equalSamplesAccuracy", equalSamples.accuracy)
    report.recordRun(
      equalSamples.name, diverged: Divergence.step(equalSamples.losses) != nil,
      [("loss, all", equalSamples.finalLoss), ("accuracy (%)", 100 * equalSamples.accuracy)])
    report.recordChoice(
      "lower loss at equal samples",
      equalSamples.finalLoss < runs[0].finalLoss ? "the small batch, \(k)× the steps" : "the large batch")
    for (key, run) in zip(
      options.noScaling
        ? ["fullBatch", "accumulated", "unscaled", "smallBatch"] : ["fullBatch", "accumulated", "smallBatch"], runs)
    {
      report.record("\(key)FinalLoss", run.finalLoss)
      report.record("\(key)Accuracy", run.accuracy)
      var measures: [(String, Double)] = [("loss, all", run.finalLoss), ("accuracy (%)", 100 * run.accuracy)]
      if key == "accumulated" {
        measures += [
          ("max |Δ grad|, 1 step", gradientDifference), ("max |Δ params|, end", finalDifference),
        ]
      }
      report.recordRun(run.name, diverged: Divergence.step(run.losses) != nil, measures)
    }
    report.record("accumulationSteps", Double(k))
    report.record("learningRate", learningRate)
    report.record("steps", Double(steps))

    try report.saveSVGs([("loss", chart.renderSVG())])
    try report.saveCSV(
      runs.map { ("loss \($0.name)", $0.losses) } + [("loss \(equalSamples.name), mean of each \(k)", equalSamplesCurve)])
    report.record("seconds", elapsed(since: start))
    report.blank()
    report.line("Finished in \(Format.seconds(elapsed(since: start))).")
    return report.summary
  }

  /// Exercise 3's loop done the wrong way, for `noScaling`: each
  /// micro-batch's mean loss goes into backward() as it is, so the window's
  /// gradient is the *sum* of the micro-batch means, k times the mean.
  /// Deliberately wrong; the demo labels it so.
  static func trainWithAccumulationWithoutScaling(
    _ model: any Module, _ optimizer: any Optimizer, _ microBatches: [Batch], _ accumulationSteps: Int,
    _ lossFunction: LossFunction
  ) throws -> [Double] {
    optimizer.zeroGrad()
    return try windows(of: microBatches, size: accumulationSteps).map { group in
      let means = try group.map { batch -> Double in
        let mean = try lossFunction(model(batch.inputs), batch.targets)
        try mean.backward()  // not divided by the number of micro-batches
        return mean.item()
      }
      optimizer.step()
      optimizer.zeroGrad()
      return means.reduce(0, +) / Double(means.count)
    }
  }
}

/// Exercise 3's problem: a spiral classifier.
struct SpiralProblem {
  let data: Dataset
  private let loader: DataLoader
  private let weightSeed: UInt64
  let lossFunction: LossFunction = { try softmaxCrossEntropy($0, $1) }

  init(seed: UInt64, batchSize: Int, pointsPerClass: Int = 512) throws {
    var rng = SplitMix64(seed: seed)
    weightSeed = rng.next()
    var dataRNG = rng.split()
    data = try Dataset.spirals(classes: 3, pointsPerClass: pointsPerClass, noise: 0.2, rng: &dataRNG)
    loader = try DataLoader(data, batchSize: batchSize, shuffle: true, dropLast: true, seed: rng.next())
  }

  /// A fresh model; every call returns the same weights.
  func makeModel() -> MLP {
    var rng = SplitMix64(seed: weightSeed)
    return MLP([2, 64, 64, 3], activation: .tanh, rng: &rng)
  }

  /// The large batches of the first `steps` steps, epoch after epoch.
  func batches(steps: Int) -> [Batch] { loader.batches(count: steps) }

  /// The peak activation bytes of one forward + backward pass on `batch`,
  /// measured on a fresh meter (with `budget`, it throws past it).
  func peakBytes(of batch: Batch, budget: Int? = nil) throws -> Int {
    let model = makeModel()
    let meter = MemoryMeter(budget: budget)
    try meter.measure {
      let loss = try lossFunction(model(batch.inputs), batch.targets)
      try loss.backward()
    }
    return meter.peakBytes
  }

  /// Trains a fresh model with `body`, which returns one loss per step,
  /// then measures it on all points.
  func train(
    _ name: String, batchSize: Int, steps: Int, _ body: (MLP, ProgressTicker) throws -> [Double]
  ) throws -> SpiralRun {
    let model = makeModel()
    let losses = try body(model, ProgressTicker(total: steps))
    return SpiralRun(
      name: name, batchSize: batchSize, losses: losses,
      finalLoss: try Baseline.evaluate(model: model, on: data, lossFunction: lossFunction),
      accuracy: try Baseline.accuracy(model: model, on: data), finalParameters: Compare.parameters(of: model))
  }
}

struct SpiralRun {
  var name: String
  var batchSize: Int
  var losses: [Double]
  var finalLoss: Double
  var accuracy: Double
  var finalParameters: [[Double]]
}
