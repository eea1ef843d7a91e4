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

    let demo = AccumulationClippingDemo(
      ex4: ex4, ex1: ex1, clipper: clipper, report: report, options: options, setup: setup, batches: batches, k: k,
      microName: microName, steps: steps, learningRate: learningRate, maxNorm: maxNorm)
    try demo.toy()
    demo.introduceRNN()
    let trained = try demo.train()
    let charts = demo.charts(trained)
    report.chart(charts.distance, height: 14)
    report.chart(charts.angle, height: 8)
    try demo.findings(trained)
    try demo.saveFiles(trained, charts)
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
