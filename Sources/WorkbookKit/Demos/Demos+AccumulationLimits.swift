import Autograd
import Charts
import Contract
import Datasets
import Foundation
import Harness
import Measures

extension Demos {
  /// Exercise 6, the lab: where accumulation stops being the large batch.
  /// Next-token prediction on Reber strings (`TokenProblem`) with the
  /// student's functions, against the engine's own large-batch step.
  ///
  /// 1. Token weighting: windows of 16 strings as `accumulationSteps` (k)
  ///    micro-batches, three ways from the same start: the large batch,
  ///    the mean of the micro-batches' token means (the loop Transformers'
  ///    Trainer ran before October 2024, written here and labelled as the
  ///    wrong way) and the student's `trainWithTokenAccumulation`. The
  ///    gradient gap to the large batch at step 1, loss curves, and each
  ///    model's loss on all the strings at the end.
  /// 2. Workers: 4 workers of 4 micro-batches of 2 strings through the
  ///    student's `trainDataParallel`: its step against the large batch
  ///    over all 32 strings, and the all-reduces its process group counted
  ///    beside what DDP without `no_sync` would make (one per `backward()`
  ///    of a worker).
  /// 3. BatchNorm and LayerNorm: an MLP with two hidden layers of 32 and a
  ///    norm layer after each, on strings of one length (no padding, which
  ///    BatchNorm's statistics would count), through the student's
  ///    `trainWithTokenAccumulation` and as one large batch: the gradient
  ///    gap per parameter at step 1, loss curves, and the loss at the end
  ///    in evaluation mode.
  ///
  /// `norm` (`--norm batch` or `--norm layer`) shows part 3 alone, for that
  /// norm: the Challenge. Defaults: 512 strings, plain SGD at learning rate
  /// 0.5 (`learningRate`), k = 8 (micro-batches of 2 strings), 200
  /// optimizer steps (`steps`; part 2 takes at most 25).
  ///
  /// Files: the loss charts at `svgPath` (`-norms` for part 3's); CSV with
  /// every run's loss per step.
  static func accumulationLimits(code: WorkbookCode, options: DemoOptions, output: DemoOutput) throws -> DemoSummary {
    var demo = try AccumulationLimitsDemo(code: code, options: options, output: output)
    return try demo.run()
  }
}

/// The state of one run of exercise 6's demo: its options, the student's
/// code, the report and the files to write.
struct AccumulationLimitsDemo {
  let ex6: AccumulationLimitsCode
  let options: DemoOptions
  let report: DemoReport
  let steps: Int
  let learningRate: Double
  let k: Int
  let start = Date()
  var charts: [(suffix: String, svg: String)] = []
  var columns: [(name: String, values: [Double])] = []

  /// Strings per optimizer step in parts 1 and 3.
  static let window = 16
  /// Strings in each data set.
  static let strings = 512
  /// The largest `accumulationSteps`: one string per micro-batch.
  static let maxAccumulationSteps = window

  init(code: WorkbookCode, options: DemoOptions, output: DemoOutput) throws {
    ex6 = try code.required(\.ex6, .ex6)
    self.options = options
    report = DemoReport(options: options, output: output)
    steps = max(options.steps ?? 200, 1)
    learningRate = options.learningRate ?? 0.5
    k = options.accumulationSteps ?? 8
    guard (1...Self.maxAccumulationSteps).contains(k) else {
      throw WorkbookError.invalidArgument(
        function: "workbook run ex6", detail: "accumulationSteps must be in 1...\(Self.maxAccumulationSteps), got \(k)")
    }
  }

  var owner: DemoOptions.CodeOwner { options.codeOwner }

  mutating func run() throws -> DemoSummary {
    report.title("Exercise 6 · Where accumulation breaks (the lab)")
    report.paragraph(
      "Next-token prediction on strings of the Reber grammar: an MLP reads the last \(TokenProblem.context) "
        + "tokens and predicts the next. Plain SGD, learning rate \(Format.number(learningRate)), seed "
        + "\(options.seed); \(Self.window) strings per optimizer step, as \(k) micro-batches.")
    if let norm = options.norm {
      try norms([norm])
    } else {
      try tokenWeighting()
      try workers()
      try norms(Sequential.Norm.allCases)
    }
    try report.saveSVGs(charts)
    try report.saveCSV(columns)
    report.record("steps", Double(steps))
    report.record("accumulationSteps", Double(k))
    report.record("seconds", elapsed(since: start))
    report.blank()
    report.line("Finished in \(Format.seconds(elapsed(since: start))).")
    return report.summary
  }

  // MARK: - Steps the engine takes by itself

  /// The large batch's step: one forward and backward pass over the whole
  /// padded batch, the loss averaged over its real tokens.
  static func largeBatchStep(_ model: any Module, _ optimizer: any Optimizer, _ batch: TokenBatch) throws -> Double {
    optimizer.zeroGrad()
    let loss = try tokenCrossEntropy(model(batch.inputs), batch.targets).mean()
    try loss.backward()
    optimizer.step()
    return loss.item()
  }

  /// The mean of the micro-batches' token means, the accumulation of
  /// Transformers' Trainer before October 2024 (each micro-batch's mean
  /// divided by the number of micro-batches). Deliberately wrong; the demo
  /// labels it so. Returns what that Trainer logged: the mean of the means.
  static func meanOfMeansStep(_ model: any Module, _ optimizer: any Optimizer, _ microBatches: [TokenBatch]) throws
    -> Double
  {
    optimizer.zeroGrad()
    var logged = 0.0
    for batch in microBatches {
      let mean = try tokenCrossEntropy(model(batch.inputs), batch.targets).mean() / Double(microBatches.count)
      try mean.backward()
      logged += mean.item()
    }
    optimizer.step()
    optimizer.zeroGrad()
    return logged
  }

  /// The mean loss over every real token of `batch`, in evaluation mode.
  static func evaluate(_ model: any Module, on batch: TokenBatch) throws -> Double {
    model.eval()
    defer { model.train() }
    return try noGrad { try tokenCrossEntropy(model(batch.inputs), batch.targets).mean().item() }
  }

  /// `steps` windows of `size` strings of `problem`, epoch after epoch,
  /// each epoch in its own seeded order.
  static func windows(_ problem: TokenProblem, size: Int, steps: Int) -> [[Int]] {
    var order: [Int] = []
    var epoch: UInt64 = 0
    while order.count < size * steps {
      order += (0..<problem.data.count).shuffledDeterministically(seed: problem.seed &+ epoch)
      epoch += 1
    }
    return (0..<steps).map { Array(order[($0 * size)..<(($0 + 1) * size)]) }
  }

  /// ‖a − b‖ / ‖b‖ over all the values.
  static func gap(_ a: [[Double]], _ b: [[Double]]) -> Double {
    Compare.norm(zip(a, b).map { zip($0, $1).map { $0 - $1 } }) / max(Compare.norm(b), 1e-300)
  }

  /// Reports `step` of `total` now and then.
  func progress(_ name: String, _ step: Int, _ total: Int, _ loss: Double, _ ticker: ProgressTicker) {
    if ticker.shouldReport(step) { report.progress("\(name): step \(step)/\(total), loss \(Format.number(loss))") }
  }

  /// A run of `steps` optimizer steps from a fresh model: `step` takes one
  /// window's indices and returns the loss it reports.
  func train(
    _ name: String, _ problem: TokenProblem, windows: [[Int]],
    _ step: (_ model: any Module, _ optimizer: any Optimizer, _ indices: [Int]) throws -> Double
  ) throws -> (losses: [Double], model: any Module) {
    let model = problem.makeModel()
    let optimizer = SGD(model.parameters(), lr: learningRate)
    let ticker = ProgressTicker(total: windows.count)
    let losses = try windows.enumerated().map { i, indices in
      let loss = try step(model, optimizer, indices)
      progress(name, i + 1, windows.count, loss, ticker)
      return loss
    }
    return (losses, model)
  }
}

extension Demos {
  /// Calls each of exercise 6's functions on two strings, two workers and
  /// three gradients: what `isImplemented` asks of it.
  static func probeAccumulationLimits(_ ex6: AccumulationLimitsCode) throws {
    let batches = try [[0, 1, 2], [0, 2]].map { try TokenBatch(sequences: [$0], vocabularySize: 3, context: 1) }
    let loss: TokenLossFunction = { try tokenCrossEntropy($0, $1) }
    func model() -> Linear {
      var rng = SplitMix64(seed: 0)
      return Linear(3, 3, rng: &rng)
    }
    let single = model()
    _ = try ex6.trainWithTokenAccumulation(single, SGD(single.parameters(), lr: 0.1), batches, 2, loss)
    let workers = (0..<2).map { rank -> Worker in
      let replica = model()
      return Worker(rank: rank, model: replica, optimizer: SGD(replica.parameters(), lr: 0.1), microBatches: [batches[rank]])
    }
    try ex6.trainDataParallel(workers, 1, loss, ProcessGroup(worldSize: 2))
    func gradients() -> [[Tensor]] {
      (0..<2).map { _ in
        let p = Tensor([1, 2], requiresGrad: true)
        p.grad = Tensor([3, -4])
        return [p]
      }
    }
    _ = try ex6.clipGradNormAcrossWorkers(gradients(), gradients(), 1, ProcessGroup(worldSize: 2))
    try ex6.clipGradValueAcrossWorkers(gradients(), gradients(), 1, ProcessGroup(worldSize: 2))
  }
}
