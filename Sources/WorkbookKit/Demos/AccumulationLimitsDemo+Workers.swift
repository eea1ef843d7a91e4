import Autograd
import Charts
import Contract
import Datasets
import Foundation
import Harness
import Measures

extension AccumulationLimitsDemo {
  /// Workers in part 2, micro-batches per worker and strings per micro-batch.
  static let workers = 4
  static let microBatchesPerWorker = 4
  static let stringsPerMicroBatch = 2
  /// Part 2's optimizer steps at most.
  static let workerSteps = 25

  /// Part 2: the student's `trainDataParallel` against the large batch
  /// over all workers' strings, and the communication it took.
  mutating func workers() throws {
    let w = Self.workers, m = Self.microBatchesPerWorker
    report.heading("2. \(w) data-parallel workers: one all-reduce per optimizer step")
    let problem = try TokenProblem(seed: options.seed &+ 1, sequences: Self.strings, hidden: [32])
    let total = min(steps, Self.workerSteps)
    let windows = Self.windows(problem, size: w * m * Self.stringsPerMicroBatch, steps: total)
    let replicas = (0..<w).map { _ in problem.makeModel() }
    let optimizers = replicas.map { GradientRecordingSGD($0.parameters(), lr: learningRate) }
    let reference = problem.makeModel()
    let referenceOptimizer = GradientRecordingSGD(reference.parameters(), lr: learningRate)
    let group = ProcessGroup(worldSize: w)
    let backwards = BackwardCounter()
    let ticker = ProgressTicker(total: total)
    var firstGap = 0.0
    var losses: [Double] = []
    for (i, indices) in windows.enumerated() {
      let shards = try problem.data.workerMicroBatches(
        indices, workers: w, microBatchesPerWorker: m, context: TokenProblem.context)
      let workers = (0..<w).map {
        Worker(rank: $0, model: replicas[$0], optimizer: optimizers[$0], microBatches: shards[$0])
      }
      try BackwardHook.$current.withValue({ backwards.add() }) {
        try ex6.trainDataParallel(workers, m, problem.lossFunction, group)
      }
      let loss = try Self.largeBatchStep(
        reference, referenceOptimizer, problem.data.batch(indices, context: TokenProblem.context))
      losses.append(loss)
      if i == 0, let large = referenceOptimizer.lastGradient {
        firstGap = optimizers.map { $0.lastGradient.map { Self.gap($0, large) } ?? .infinity }.max() ?? .infinity
      }
      progress("\(w) workers", i + 1, total, loss, ticker)
    }
    let largeParameters = Compare.parameters(of: reference)
    let difference = replicas.map { Compare.largestDifference(Compare.parameters(of: $0), largeParameters) }.max() ?? 0
    let perWorker = backwards.count / w
    report.paragraph(
      "Each optimizer step: \(w) workers, each with its own replica and \(m) micro-batches of "
        + "\(Self.stringsPerMicroBatch) strings; \(owner.possessive) trainDataParallel against one large batch of all "
        + "\(w * m * Self.stringsPerMicroBatch) strings, \(total) steps from the same start.")
    var table = Table(columns: [
      .init("\(total) steps"), .init("backward()", alignment: .right),
      .init("gradient all-reduces", alignment: .right), .init("count all-reduces", alignment: .right),
    ])
    table.addRow([
      "\(owner.codeLabel) (no_sync)", "\(perWorker)", "\(group.gradientAllReduces)", "\(group.scalarAllReduces)",
    ])
    table.addRow(["DDP without no_sync", "\(perWorker)", "\(perWorker)", "\(group.scalarAllReduces)"])
    report.table(table)
    report.blank()
    let parameters = replicas[0].parameterCount
    report.paragraph(
      "\"backward()\": per worker. Without no_sync, DDP all-reduces the gradients in every backward(), "
        + "\(m) per optimizer step here, each moving all \(parameters) gradient values of the model between the "
        + "workers; with it, only in the window's last. The step is the same: \(owner.possessive) step 1 is "
        + "\(Format.tiny(firstGap)) from the large batch's (‖g − g_large‖ / ‖g_large‖), and after \(total) steps "
        + "every replica's parameters are within \(Format.tiny(difference)) of the large batch's"
        + (difference < 1e-8 ? "." : ": not the large batch's run."))
    report.record("workersGradientGap", firstGap)
    report.record("workersFinalParameterDifference", difference)
    report.record("gradientAllReduces", Double(group.gradientAllReduces))
    report.record("scalarAllReduces", Double(group.scalarAllReduces))
    report.record("backwardPerWorker", Double(perWorker))
    report.record("workerSteps", Double(total))
    report.recordRun(
      "\(w) workers (\(owner.codeLabel))", diverged: false,
      [
        ("gradient gap, step 1", firstGap), ("max |Δ params|, end", difference),
        ("gradient all-reduces", Double(group.gradientAllReduces)),
      ])
    columns.append(("loss large batch of \(w) workers", losses))
  }
}

/// Counts `backward()` calls, from the hook that may run on any thread.
final class BackwardCounter: @unchecked Sendable {
  private let lock = NSLock()
  private var calls = 0

  func add() { lock.withLock { calls += 1 } }

  var count: Int { lock.withLock { calls } }
}
