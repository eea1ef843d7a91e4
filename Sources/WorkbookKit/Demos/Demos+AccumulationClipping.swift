import Autograd
import Contract
import Charts
import Datasets
import Foundation
import Harness
import Measures

extension Demos {
  /// Exercise 4: where to clip when accumulating. Three runs from the same
  /// weights on the same batches:
  ///
  /// - clip once, after the last micro-batch: the student's
  ///   `trainWithAccumulationAndClipping`;
  /// - clip after every micro-batch's backward(): the demo's own loop,
  ///   labelled as the wrong way (it calls the student's `clipGradNorm`);
  /// - the large batch with clipping: the engine directly.
  ///
  /// Shows the two-vector toy ([2, 0] + [0, 2], maxNorm 1: once gives
  /// [0.707, 0.707], each gives [0.447, 0.894]) with the student's
  /// `clipGradNorm`, the largest parameter difference of each way from the
  /// large batch after one step and after training, per step the distance
  /// of each way's parameters from the large batch's (a linear axis:
  /// rounding once, drawn on 0, and a gap that grows each), and per step the angle between the step
  /// each way took and the clipped large-batch gradient at the same weights
  /// (0° once, several degrees each).
  ///
  /// Defaults: exercise 1's setup (an Elman RNN, hidden 64, on the adding
  /// problem with T = 10, recurrent weights 1.5 × orthogonal), plain SGD at
  /// learning rate 0.05 (`learningRate`), batches of 32 as 4 micro-batches
  /// of 8 (`accumulationSteps`), maxNorm 1 (`threshold`), 500 steps
  /// (`steps`). A debug build runs it in about five seconds.
  ///
  /// Files: the distance chart at `svgPath`, the angle chart with suffix
  /// `-angle`; CSV with each run's loss, gradient norm before clipping,
  /// angle and distance per step.
  static func accumulationClipping(code: WorkbookCode, options: DemoOptions, output: DemoOutput) throws -> DemoSummary {
    let ex4 = try code.required(\.ex4, .ex4)
    let ex1 = try code.required(\.ex1, .ex1)
    let clipper = try code.normClipper()
    let report = DemoReport(options: options, output: output)
    let start = Date()
    let steps = max(options.steps ?? 500, 1)
    let learningRate = options.learningRate ?? 0.05
    let maxNorm = options.threshold ?? 1
    let k = options.accumulationSteps ?? 4
    let setup = try AddingProblemSetup(seed: options.seed)
    guard accumulationStepsRange(.ex4).contains(k) else {
      throw WorkbookError.invalidArgument(
        function: "workbook run ex4", detail: "accumulationSteps must be in 1...\(setup.batchSize), got \(k)")
    }
    let batches = setup.batches(steps: steps)
    let microSizes = try batches[0].split(into: k).map(\.count)
    let microName =
      Set(microSizes).count == 1
      ? "\(k) × \(microSizes[0])" : microSizes.map(String.init).joined(separator: " + ")

    report.title("Exercise 4 · Accumulation plus clipping")
    report.paragraph(
      "Clip the accumulated gradient once, just before step(), or clip after every micro-batch? Two "
        + "gradients of one window show the difference; \(options.clipperOwner.possessive) clipGradNorm does the clipping.")

    // The toy: two micro-batch gradients on one 2-entry parameter.
    let toy = try clipToy(clipper)
    var toyTable = Table(columns: [
      .init("[2, 0] + [0, 2], maxNorm 1"), .init("gradient", alignment: .right), .init("length", alignment: .right),
    ])
    toyTable.addRow(["no clipping", Format.vector([2, 2]), Format.fixed(length([2, 2]))])
    toyTable.addRow(["clip once, after both", Format.vector(toy.once), Format.fixed(length(toy.once))])
    toyTable.addRow(["clip after each (wrong)", Format.vector(toy.each), Format.fixed(length(toy.each))])
    report.table(toyTable)
    report.blank()
    report.paragraph(
      "Clipped once, the sum keeps its direction. Clipped after each micro-batch, the first gradient was cut "
        + "to length 1 before the second arrived, so the second counts twice as much and the step points "
        + "elsewhere.")
    report.record("toyOnce0", toy.once[0])
    report.record("toyOnce1", toy.once[1])
    report.record("toyEach0", toy.each[0])
    report.record("toyEach1", toy.each[1])

    report.heading("On exercise 1's RNN")
    report.paragraph(
      "\(setup.description.prefix(1).uppercased())\(setup.description.dropFirst()), recurrent weights 1.5 × "
        + "orthogonal, plain SGD, learning rate \(Format.number(learningRate)), maxNorm \(Format.number(maxNorm)), "
        + "batches of \(setup.batchSize) as \(microName), \(steps) steps, seed \(options.seed). Three runs from "
        + "the same weights on the same batches: clip once (\(options.codeOwner.possessive) trainWithAccumulationAndClipping), clip each "
        + "micro-batch (the demo's loop, with \(options.clipperOwner.possessive) clipGradNorm), and the batch of \(setup.batchSize) clipped "
        + "(the engine). " + Divergence.rule)

    let onceStep: (any Module, any Optimizer, Batch) throws -> StepRecord = { model, optimizer, batch in
      let records = try ex4.trainWithAccumulationAndClipping(
        model, optimizer, batch.split(into: k), k, setup.lossFunction, maxNorm, clipper)
      guard let record = records.last, records.count == 1 else {
        throw WorkbookError.invalidArgument(
          function: "trainWithAccumulationAndClipping",
          detail: "one window of \(k) micro-batches gave \(records.count) records, expected 1")
      }
      return record
    }
    let eachStep: (any Module, any Optimizer, Batch) throws -> StepRecord = { model, optimizer, batch in
      try clipEachMicroBatch(
        ex4, model, optimizer, batch.split(into: k), setup.lossFunction, maxNorm, clip: clipper)
    }
    let largeStep: (any Module, any Optimizer, Batch) throws -> StepRecord = { model, optimizer, batch in
      try ex1.trainStep(model, optimizer, batch, setup.lossFunction, maxNorm)
    }

    // After one step.
    func oneStep(_ step: (any Module, any Optimizer, Batch) throws -> StepRecord) throws -> [[Double]] {
      let model = setup.makeModel()
      _ = try step(model, SGD(model.parameters(), lr: learningRate), batches[0])
      return Compare.parameters(of: model)
    }
    let contributionStep: (any Module, any Optimizer, Batch) throws -> StepRecord = { model, optimizer, batch in
      try clipEachContribution(model, optimizer, batch.split(into: k), setup.lossFunction, maxNorm, clip: clipper)
    }
    let largeAfterOne = try oneStep(largeStep)
    let onceAfterOne = Compare.largestDifference(try oneStep(onceStep), largeAfterOne)
    let eachAfterOne = Compare.largestDifference(try oneStep(eachStep), largeAfterOne)

    // Training. Before each step of the two accumulating runs, the engine
    // also computes the clipped batch-of-32 gradient at the same weights, so
    // the angle between that and the step actually taken is measured.
    // The batch-of-32 run keeps its parameters after every step, so the
    // two accumulating runs can measure how far they are from it.
    let recordingSGD: ([Tensor]) -> any Optimizer = { GradientRecordingSGD($0, lr: learningRate) }
    var largePath: [[Double]] = []
    let large = try setup.train(
      "batch of \(setup.batchSize), clipped", batches: batches, makeOptimizer: recordingSGD, threshold: maxNorm,
      report: report, afterStep: { model, _ in largePath.append(Compare.flatParameters(of: model)) },
      step: largeStep)
    func trainMeasuring(_ name: String, _ step: (any Module, any Optimizer, Batch) throws -> StepRecord) throws
      -> (run: ClippingRun, angles: [Double], distances: [Double])
    {
      var angles: [Double] = []
      var distances: [Double] = []
      let run = try setup.train(
        name, batches: batches, makeOptimizer: recordingSGD, threshold: maxNorm, report: report,
        afterStep: { model, i in
          let here = Compare.flatParameters(of: model)
          distances.append(i < largePath.count ? Compare.distance(here, largePath[i]) : .nan)
        },
        step: { model, optimizer, batch in
          let largeBatch = try clipped(
            try Baseline.gradient(model: model, batch: batch, lossFunction: setup.lossFunction), maxNorm, clipper)
          let record = try step(model, optimizer, batch)
          angles.append(angleDegrees(largeBatch, (optimizer as? GradientRecordingSGD)?.lastGradient ?? largeBatch))
          return record
        })
      return (run, angles, distances)
    }
    let (once, onceAngles, onceDistances) = try trainMeasuring("clip once (\(options.codeOwner.codeLabel))", onceStep)
    let (each, eachAngles, eachDistances) = try trainMeasuring("clip each micro-batch (wrong)", eachStep)
    // `clipContributions`: the other way to clip inside the loop, each
    // micro-batch's gradient on its own, then added: up to k × maxNorm.
    let contributions = try options.clipContributions
      ? trainMeasuring("clip each, then add (wrong)", contributionStep) : nil
    let onceAfterTraining = Compare.largestDifference(once.finalParameters, large.finalParameters)
    let eachAfterTraining = Compare.largestDifference(each.finalParameters, large.finalParameters)

    // The lesson in one picture: clipping once stays on the large batch's
    // path (rounding only), clipping each micro-batch leaves it at once.
    // A linear axis: on a log one, the 1e-16 of rounding and the 0.1 of the
    // wrong way span 15 decades, a row of the terminal is more than one of
    // them, and a smooth rise reads as a jump from one row to the next.
    let sameRun = onceDistances.allSatisfy { $0 == 0 }
    let onceLargest = onceDistances.filter(\.isFinite).max() ?? .nan
    let onceNote =
      sameRun
      ? "0 at every step: the same run"
      : (onceLargest < 1e-9
        ? "at most \(Format.tiny(onceLargest)), rounding: drawn on 0" : Divergence.note(once.losses))
    let chart = LineChart(
      title: "Distance of the parameters from the batch-of-\(setup.batchSize) run", xLabel: "step",
      yLabel: "L2 distance",
      series: (contributions.map {
        [.init($0.run.name, padded($0.distances, to: steps), style: contributionStyle, note: Divergence.note($0.run.losses))]
      } ?? [])
        + [
          .init(
            each.name, padded(eachDistances, to: steps), style: eachStyle, note: Divergence.note(each.losses)),
          .init(once.name, padded(onceDistances, to: steps), style: onceStyle, note: onceNote),
        ],
      xStart: 1)
    report.chart(chart, height: 14)
    let angleChart = LineChart(
      title: "Angle between the step taken and the batch-of-\(setup.batchSize) step", xLabel: "step",
      yLabel: "degrees",
      series: (contributions.map { [.init($0.run.name, padded($0.angles, to: steps), style: contributionStyle)] } ?? [])
        + [
          .init(each.name, padded(eachAngles, to: steps), style: eachStyle),
          .init(once.name, padded(onceAngles, to: steps), style: onceStyle),
        ], xStart: 1)
    report.chart(angleChart, height: 8)

    var table = Table(columns: [
      .init("run"), .init("Δ 1 step", alignment: .right), .init("Δ \(steps) steps", alignment: .right),
      .init("angle", alignment: .right), .init("test MSE", alignment: .right),
    ])
    let meanOnce = mean(onceAngles)
    let meanEach = mean(eachAngles)
    table.addRow([large.name, "–", "–", "–", Format.number(large.testLoss)])
    table.addRow([
      once.name, Format.tiny(onceAfterOne), Format.tiny(onceAfterTraining), Format.fixed(meanOnce, 1) + "°",
      Format.number(once.testLoss),
    ])
    table.addRow([
      each.name, Format.tiny(eachAfterOne), Format.tiny(eachAfterTraining), Format.fixed(meanEach, 1) + "°",
      Format.number(each.testLoss),
    ])
    if let contributions {
      let run = contributions.run
      let afterTraining = Compare.largestDifference(run.finalParameters, large.finalParameters)
      // The step's length against maxNorm: the sum of k clipped pieces.
      let longest = run.norms.filter(\.isFinite).max() ?? .nan
      table.addRow([
        run.name, Format.tiny(Compare.largestDifference(try oneStep(contributionStep), largeAfterOne)),
        Format.tiny(afterTraining), Format.fixed(mean(contributions.angles), 1) + "°",
        Format.number(run.testLoss),
      ])
      report.recordRun(
        run.name, diverged: run.divergedAt != nil,
        [
          ("max |Δ params|, end", afterTraining), ("mean angle (°)", mean(contributions.angles)),
          ("longest clipped gradient", longest), ("test MSE", run.testLoss),
        ])
      report.record("contributionsLongestGradient", longest)
      report.record("contributionsTestLoss", run.testLoss)
      report.table(table)
      report.blank()
      report.paragraph(
        "Clipping each contribution on its own and adding them: every piece is at most maxNorm "
          + "\(Format.number(maxNorm)) long, so their sum can reach \(k) × \(Format.number(maxNorm)); the "
          + "longest gradient this run stepped with was \(Format.number(longest)) long, where clipping once never "
          + "exceeds \(Format.number(maxNorm)).")
    } else {
      report.table(table)
    }
    report.blank()
    report.paragraph(
      "Δ: the largest absolute difference of any parameter from the clipped batch-of-\(setup.batchSize) run. "
        + "Angle: the mean angle between each step and the clipped batch-of-\(setup.batchSize) gradient at the same "
        + "weights. "
        + "Clipping once is the large batch's step; clipping each micro-batch takes other steps from the "
        + "first one on (whether it ends better or worse, it is no longer the step of the batch, and its "
        + "effective threshold depends on k and on the order of the micro-batches). Test MSE on 1,024 held-out sequences; always predicting 1 scores "
        + "1/6 ≈ 0.167. The first chart follows the gap step by step: the L2 distance of all parameters "
        + "from the batch-of-\(setup.batchSize) run's after as many steps"
        + (sameRun ? "; clipping once has none to draw, it is 0 at every step." : "."))

    // The norms the clip-once records report: how hard clipping worked, and
    // (rerun with another --accumulation-steps) that they do not grow with k.
    let finiteNorms = once.norms.filter(\.isFinite).sorted()
    let medianNorm = finiteNorms.isEmpty ? Double.nan : finiteNorms[finiteNorms.count / 2]
    report.blank()
    report.paragraph(
      "Norm before clipping, from the records of \(options.codeOwner.possessive) trainWithAccumulationAndClipping: "
        + "median \(Format.number(medianNorm)), largest \(Format.number(finiteNorms.last ?? .nan)); above maxNorm "
        + "\(Format.number(maxNorm)) on \(once.clippedSteps) of \(steps) steps. With the loss weighted, this is the "
        + "norm of the window's mean gradient: "
        + "rerun with --accumulation-steps \(otherAccumulationSteps(k)) and it stays the same size.")
    report.recordRun(large.name, diverged: large.divergedAt != nil, [("test MSE", large.testLoss)])
    for (run, angles, afterTraining) in [(once, onceAngles, onceAfterTraining), (each, eachAngles, eachAfterTraining)] {
      report.recordRun(
        run.name, diverged: run.divergedAt != nil,
        [
          ("max |Δ params|, end", afterTraining), ("mean angle (°)", mean(angles)), ("test MSE", run.testLoss),
        ])
    }
    report.record("onceMedianNorm", medianNorm)
    report.record("onceClippedSteps", Double(once.clippedSteps))

    report.record("onceMeanAngleDegrees", meanOnce)
    report.record("eachMeanAngleDegrees", meanEach)
    report.record("onceDifferenceAfterOneStep", onceAfterOne)
    report.record("eachDifferenceAfterOneStep", eachAfterOne)
    report.record("onceDifferenceAfterTraining", onceAfterTraining)
    report.record("eachDifferenceAfterTraining", eachAfterTraining)
    report.record("largeBatchTestLoss", large.testLoss)
    report.record("onceTestLoss", once.testLoss)
    report.record("eachTestLoss", each.testLoss)
    report.record("maxNorm", maxNorm)
    report.record("accumulationSteps", Double(k))
    report.record("learningRate", learningRate)
    report.record("steps", Double(steps))

    try report.saveSVGs([("distance", chart.renderSVG()), ("angle", angleChart.renderSVG())])
    try report.saveCSV(
      [large, once, each].map { ("loss \($0.name)", $0.losses) }
        + [large, once, each].map { ("norm \($0.name)", $0.norms) }
        + [("angle \(once.name)", onceAngles), ("angle \(each.name)", eachAngles)]
        + [("distance \(once.name)", onceDistances), ("distance \(each.name)", eachDistances)])
    report.record("seconds", elapsed(since: start))
    report.blank()
    report.line("Finished in \(Format.seconds(elapsed(since: start))).")
    return report.summary
  }

  /// Style slots of exercise 4's runs, the same in every chart.
  static let onceStyle = 0, eachStyle = 3, contributionStyle = 2

  /// The other way to clip inside the accumulation loop, for
  /// `clipContributions`: each micro-batch's weighted gradient (nᵢ / N)
  /// is computed on its own, clipped to `maxNorm` by `clip`, and added to
  /// the window's sum; one step then uses the sum. Every piece is at most
  /// `maxNorm` long, so the sum can reach k × `maxNorm`: the effective
  /// threshold grows with the number of micro-batches. Deliberately
  /// wrong; the demo labels it so.
  ///
  /// - Returns: the window's record, with the norm of the summed clipped
  ///   gradient the step used (what to hold against `maxNorm`).
  static func clipEachContribution(
    _ model: any Module, _ optimizer: any Optimizer, _ microBatches: [Batch], _ lossFunction: LossFunction,
    _ maxNorm: Double, clip: GradNormClipper
  ) throws -> StepRecord {
    let parameters = model.parameters()
    let total = Double(microBatches.reduce(0) { $0 + $1.count })
    var sum = parameters.map { [Double](repeating: 0, count: $0.count) }
    var windowLoss = 0.0
    for batch in microBatches {
      optimizer.zeroGrad()
      let weight = Double(batch.count) / total
      let loss = try lossFunction(model(batch.inputs), batch.targets)
      try (loss * weight).backward()
      windowLoss += weight * loss.item()
      _ = try clip(parameters, maxNorm: maxNorm)
      for (i, p) in parameters.enumerated() {
        if let grad = p.grad { sum[i] = zip(sum[i], grad.data).map(+) }
      }
    }
    for (p, g) in zip(parameters, sum) { p.grad = Tensor(g, shape: p.shape) }
    let norm = Compare.norm(sum)
    optimizer.step()
    optimizer.zeroGrad()
    return StepRecord(loss: windowLoss, gradNorm: norm)
  }

  /// Two other values of k to compare the norms with: "2 or 8" for the
  /// default 4, never the k just used.
  static func otherAccumulationSteps(_ k: Int) -> String {
    let others = [2, 4, 8].filter { $0 != k && accumulationStepsRange(.ex4).contains($0) }
    return others.prefix(2).map(String.init).joined(separator: " or ")
  }

  /// The toy of exercise 4's guide: micro-batch gradients [2, 0] and [0, 2]
  /// added into one parameter's `.grad`, clipped to norm 1 once after both,
  /// or after each (the running sum), with `clip`.
  static func clipToy(_ clip: GradNormClipper) throws -> (
    once: [Double], each: [Double]
  ) {
    func add(_ g: [Double], to p: Tensor) {
      if let grad = p.grad {
        grad.data = zip(grad.data, g).map(+)
      } else {
        p.grad = Tensor(g)
      }
    }
    let once = Tensor([0, 0], requiresGrad: true)
    add([2, 0], to: once)
    add([0, 2], to: once)
    _ = try clip([once], maxNorm: 1)

    let each = Tensor([0, 0], requiresGrad: true)
    add([2, 0], to: each)
    _ = try clip([each], maxNorm: 1)
    add([0, 2], to: each)
    _ = try clip([each], maxNorm: 1)
    return (once.grad?.data ?? [.nan, .nan], each.grad?.data ?? [.nan, .nan])
  }

  /// Exercise 4 done the wrong way, for comparison: the exercise's own loop
  /// over one window, with a loss function that clips the gradient summed
  /// so far before each micro-batch after the first, so every micro-batch's
  /// backward() is followed by a clipping, as in a loop that clips inside.
  /// The demo computes no accumulation of its own.
  ///
  /// - Returns: the window's record, with the accumulated gradient's norm
  ///   before the last clipping.
  static func clipEachMicroBatch(
    _ ex4: AccumulationClippingCode, _ model: any Module, _ optimizer: any Optimizer, _ microBatches: [Batch],
    _ lossFunction: @escaping LossFunction, _ maxNorm: Double, clip: GradNormClipper
  ) throws -> StepRecord {
    let parameters = model.parameters()
    let clippingEarly: LossFunction = { prediction, target in
      // The forward pass has run; the clip touches only what earlier
      // micro-batches' backward() left in .grad.
      if parameters.contains(where: { $0.grad != nil }) { _ = try clip(parameters, maxNorm: maxNorm) }
      return try lossFunction(prediction, target)
    }
    let records = try ex4.trainWithAccumulationAndClipping(
      model, optimizer, microBatches, microBatches.count, clippingEarly, maxNorm, clip)
    guard let record = records.first, records.count == 1 else {
      throw CommandFailure("one window of \(microBatches.count) micro-batches gave \(records.count) records, expected 1")
    }
    return record
  }

  /// A gradient clipped by `clip`, as a copy.
  static func clipped(_ gradient: [[Double]], _ maxNorm: Double, _ clip: GradNormClipper) throws -> [[Double]] {
    let parameters = gradient.map { g -> Tensor in
      let p = Tensor([Double](repeating: 0, count: g.count), requiresGrad: true)
      p.grad = Tensor(g)
      return p
    }
    _ = try clip(parameters, maxNorm: maxNorm)
    return parameters.map { $0.grad?.data ?? [] }
  }
}
