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

    let demo = AccumulationDemo(
      ex3: ex3, report: report, options: options, problem: problem, batches: batches, largeBatch: largeBatch, k: k,
      microSizes: microSizes, microName: microName, smallBatch: smallBatch, learningRate: learningRate, steps: steps,
      batch: batches[0], micro: try batches[0].split(into: k))
    let gradientDifference = try demo.oneStep()
    try demo.memory()
    let (runs, equalSamples) = try demo.train()
    try demo.findings(runs, equalSamples, gradientDifference: gradientDifference)
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
