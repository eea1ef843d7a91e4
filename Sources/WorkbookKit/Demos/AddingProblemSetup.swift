import Autograd
import Contract
import Charts
import Datasets
import Measures

/// The exploding-gradient setup of exercises 1 and 2: an Elman RNN on the
/// adding problem, started with recurrent weights 1.5 × a random orthogonal
/// matrix so that backpropagation through time multiplies the gradient by
/// 1.5 per step.
///
/// Everything comes from one seed, split into independent streams for the
/// weights, the training data, the test data and the batch order, so every
/// run of a demo starts from the same weights and sees the same batches.
struct AddingProblemSetup {
  /// The MSE of always predicting 1, the mean target (the sum of two
  /// U[0, 1) values has variance 1/6). Below it, the network has learned
  /// to find and add the two marked numbers.
  static let baseline = 1.0 / 6

  let hidden: Int
  let length: Int
  let batchSize: Int
  let test: Dataset
  private let loader: DataLoader
  private let weightSeed: UInt64

  init(
    seed: UInt64, hidden: Int = 64, length: Int = 10, batchSize: Int = Demos.rnnBatch, trainCount: Int = 8192,
    testCount: Int = 1024
  )
    throws
  {
    var rng = SplitMix64(seed: seed)
    weightSeed = rng.next()
    var trainRNG = rng.split()
    var testRNG = rng.split()
    let train = try Dataset.addingProblem(count: trainCount, length: length, rng: &trainRNG)
    test = try Dataset.addingProblem(count: testCount, length: length, rng: &testRNG)
    loader = try DataLoader(train, batchSize: batchSize, shuffle: true, dropLast: true, seed: rng.next())
    self.hidden = hidden
    self.length = length
    self.batchSize = batchSize
  }

  /// A fresh model; every call returns the same weights.
  func makeModel() -> RNN {
    var rng = SplitMix64(seed: weightSeed)
    return RNN(
      inputSize: 2, hiddenSize: hidden, outputSize: 1, recurrentInit: .orthogonal(gain: 1.5), inputStd: 0.1, rng: &rng)
  }

  /// The batches of the first `steps` steps, in order, epoch after epoch.
  func batches(steps: Int) -> [Batch] { loader.batches(count: steps) }

  let lossFunction: LossFunction = { try mse($0, $1) }

  /// The gradient reaching each input position (`PositionGradient`), on
  /// the first 256 held-out sequences: entry 0 is the first time step.
  func positionGradients(_ model: any Module) throws -> [Double] {
    try PositionGradient.norms(
      model: model, batch: test.batch(Array(0..<min(256, test.count))), lossFunction: lossFunction)
  }

  /// "Elman RNN (hidden 64) on the adding problem (T = 10)".
  var description: String { "an Elman RNN (hidden \(hidden)) on the adding problem (T = \(length))" }
}

/// One training run of a clipping demo, step by step.
struct ClippingRun {
  var name: String
  /// The batch loss of every step computed (before the step). A run stops
  /// at its first inf or NaN loss, so this can be shorter than planned.
  var losses: [Double] = []
  /// The total gradient norm before clipping, per step computed.
  var norms: [Double] = []
  /// Steps whose gradient was longer than the threshold, so clipping scaled it.
  var clippedSteps = 0
  /// The MSE on the held-out sequences after training; NaN when training
  /// stopped at an inf or NaN loss.
  var testLoss = Double.nan
  /// The parameters at the end of training.
  var finalParameters: [[Double]] = []
  /// The step at which the run diverged (`Divergence.rule`), 1-based.
  var divergedAt: Int? { Divergence.step(losses) }
  /// The first inf or NaN loss, if any.
  var nonFinite: (step: Int, kind: String)? { Divergence.nonFinite(losses) }

  init(name: String) { self.name = name }

  /// The mean batch loss of the last `count` steps.
  func recentLoss(_ count: Int = 50) -> Double {
    let tail = losses.suffix(count)
    return tail.reduce(0, +) / Double(max(tail.count, 1))
  }

  /// The largest finite norm before clipping.
  var largestNorm: Double { norms.filter(\.isFinite).max() ?? .nan }
}

extension AddingProblemSetup {
  /// Trains a fresh model for `batches.count` steps with `step`, stopping
  /// early at the first inf or NaN loss (the rest of the run would only
  /// repeat NaN). Reports progress to `report` as it goes.
  ///
  /// - Parameters:
  ///   - threshold: counted as "clipped" when the norm before clipping
  ///     exceeds it; `nil` for an unclipped run.
  ///   - afterStep: called after each step with the model and the step's
  ///     index, for a demo that measures the parameters as they go.
  func train(
    _ name: String, batches: [Batch], makeOptimizer: ([Tensor]) -> any Optimizer, threshold: Double?,
    report: DemoReport, afterStep: (any Module, Int) throws -> Void = { _, _ in },
    step: (any Module, any Optimizer, Batch) throws -> StepRecord
  ) throws -> ClippingRun {
    let model = makeModel()
    return try ClippingRun.train(
      name, model: model, batches: batches, optimizer: makeOptimizer(model.parameters()), threshold: threshold,
      report: report, afterStep: afterStep, step: step,
      testLoss: { try Baseline.evaluate(model: $0, on: test, lossFunction: lossFunction) })
  }
}

extension ClippingRun {
  /// Trains `model` for `batches.count` steps with `step`, stopping early
  /// at the first inf or NaN loss (the rest of the run would only repeat
  /// NaN), then measures it with `testLoss`. Reports progress to `report`
  /// as it goes. The loop of every demo that compares clipped runs.
  ///
  /// - Parameters:
  ///   - threshold: counted as "clipped" when the norm before clipping
  ///     exceeds it; `nil` for an unclipped run.
  ///   - afterStep: called after each step with the model and the step's
  ///     index, for a demo that measures the parameters as they go.
  static func train(
    _ name: String, model: any Module, batches: [Batch], optimizer: any Optimizer, threshold: Double?,
    report: DemoReport, afterStep: (any Module, Int) throws -> Void = { _, _ in },
    step: (any Module, any Optimizer, Batch) throws -> StepRecord, testLoss: (any Module) throws -> Double
  ) throws -> ClippingRun {
    let ticker = ProgressTicker(total: batches.count)
    var run = ClippingRun(name: name)
    for (i, batch) in batches.enumerated() {
      let record = try step(model, optimizer, batch)
      run.losses.append(record.loss)
      run.norms.append(record.gradNorm)
      if let threshold, record.gradNorm > threshold { run.clippedSteps += 1 }
      if ticker.shouldReport(i + 1) || !record.loss.isFinite {
        report.progress("\(name): step \(i + 1)/\(batches.count), loss \(Format.number(record.loss))")
      }
      if !record.loss.isFinite { break }
      try afterStep(model, i)
    }
    run.finalParameters = Compare.parameters(of: model)
    if run.nonFinite == nil { run.testLoss = try testLoss(model) }
    return run
  }
}

// MARK: - Loss charts

extension AddingProblemSetup {
  /// Loss curves show the mean of this many batches (see `smoothed`).
  static let lossWindow = 10

  /// The loss chart of the RNN demos: each run's batch loss as the mean of
  /// `lossWindow` batches, with the 1/6 baseline drawn first (underneath).
  ///
  /// An exploding run's loss reaches 1e300 before it turns inf, and a log
  /// axis that tall squeezes the rest into one row. So when every run that
  /// did not diverge ends well below 1, the axis is linear and stops at 1,
  /// where the step from ~0.17 to ~0.1 is visible; otherwise it is
  /// logarithmic and stops at 1000. Values above are marked as such.
  ///
  /// - Parameters:
  ///   - styles: each run's style slot (`LineChart.Series.style`), so a
  ///     run keeps its glyph from chart to chart; the baseline takes the
  ///     last slot of the palette, black.
  ///   - steps: the planned steps, so a run that stopped early ends short.
  static func lossChart(
    _ runs: [ClippingRun], names: [String]? = nil, styles: [Int]? = nil, steps: Int, baseline: Bool = true
  ) -> LineChart {
    let settled = runs.filter { $0.divergedAt == nil }.allSatisfy { $0.recentLoss() <= 0.5 }
    var series: [LineChart.Series] = []
    if baseline {
      series.append(
        .init("always predicting 1: MSE 1/6", [Double](repeating: Self.baseline, count: steps), style: baselineStyle))
    }
    for (index, run) in runs.enumerated() {
      series.append(
        .init(
          names?[index] ?? run.name, padded(smoothed(run.losses, window: lossWindow), to: steps),
          style: styles?[index], note: Divergence.note(run.losses)))
    }
    return LineChart(
      title: "Training loss: mean of \(lossWindow) batches", xLabel: "step", yLabel: "loss", series: series,
      logScaleY: !settled, xStart: 1, yMax: settled ? 1 : 1e3)
  }

  /// The style slot of a constant reference line (baseline, threshold):
  /// black, the palette's last colour.
  static let baselineStyle = 6
}
