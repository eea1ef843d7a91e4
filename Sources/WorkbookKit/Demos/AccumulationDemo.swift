import Autograd
import Charts
import Contract
import Datasets
import Foundation
import Harness
import Measures

/// Exercise 3's demo, step by step (`Demos.accumulation` says what it
/// shows): what every step shares, and one method per numbered section.
struct AccumulationDemo {
  let ex3: AccumulationCode
  let report: DemoReport
  let options: DemoOptions
  let problem: SpiralProblem
  /// One large batch per optimizer step.
  let batches: [Batch]
  let largeBatch: Int
  /// Micro-batches per large batch.
  let k: Int
  let microSizes: [Int]
  /// "4 × 64", or the sizes when they differ.
  let microName: String
  let smallBatch: Int
  let learningRate: Double
  let steps: Int
  /// The first large batch, and its micro-batches.
  let batch: Batch
  let micro: [Batch]

  /// 1. One step from the same start: the accumulated gradient against
  /// the large batch's. Returns the largest difference of the gradients.
  func oneStep() throws -> Double {
    report.heading("1. One step from the same start")
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
        _ = try Demos.trainWithAccumulationWithoutScaling(model, optimizer, micro, k, problem.lossFunction)
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
    return gradientDifference
  }

  /// 2. and 3. The activation memory of one pass, and a budget between the
  /// large batch's and one micro-batch's.
  func memory() throws {
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
  }

  /// 4. Training: the large batch, the student's accumulation, the small
  /// batch at equal steps and at equal samples; returns the runs, the
  /// equal-samples run apart.
  func train() throws -> (runs: [SpiralRun], equalSamples: SpiralRun) {
    report.heading("4. Training, \(steps) optimizer steps each")
    var runs: [SpiralRun] = []
    runs.append(try plainRun("one batch of \(largeBatch)", "one batch of \(largeBatch)", batchSize: largeBatch, batches))
    runs.append(
      try accumulatedRun(
        "\(microName), accumulated (\(options.codeOwner.codeLabel))", "accumulated", ex3.trainWithAccumulation))
    if options.noScaling {
      runs.append(
        try accumulatedRun("\(microName), NOT scaled (wrong)", "not scaled", Demos.trainWithAccumulationWithoutScaling))
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
    return (runs, equalSamples)
  }

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

  /// The chart, the table and the records of the training runs.
  func findings(_ runs: [SpiralRun], _ equalSamples: SpiralRun, gradientDifference: Double) throws {
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
  }
}
