import Autograd
import Contract
import Datasets
import Judge

// Exercise 6 with one bug each. The token and the worker mistakes that
// change only what a loss is divided by share the reference's loop, with
// that one line passed in and marked `// BUG:`; the mistakes of where the
// all-reduce goes, and the clipping mistakes, are whole functions.

extension KnownMistake {
  init(
    _ name: String, _ mistake: Mistake?, _ explanation: String, ex6: AccumulationLimitsCode, function: String,
    alsoNamed: Set<Mistake> = []
  ) {
    self.init(
      name, mistake, exercise: .ex6, function: function, explanation, code: .reference(ex6: ex6), alsoNamed: alsoNamed)
  }

  // Token weighting.
  static let meanOfTokenMeans = KnownMistake(
    "meanOfTokenMeans", .meanOfTokenMeans,
    "each micro-batch's mean over its own tokens was divided by accumulationSteps, as Transformers' Trainer did "
      + "before October 2024",
    ex6: .reference(tokens: WrongAccumulationLimits.tokenLoop { loss, _, steps in
      // BUG: the micro-batch's own mean, as if micro-batches held equal numbers of tokens.
      try loss.mean() / Double(steps)
    }), function: "trainWithTokenAccumulation")

  static let meanOfTokenMeansPerWindow = KnownMistake(
    "meanOfTokenMeans (window's count)", .meanOfTokenMeans,
    "each micro-batch's mean over its own tokens was divided by the window's number of micro-batches",
    ex6: .reference(tokens: WrongAccumulationLimits.tokenLoop { loss, window, _ in
      // BUG: every micro-batch weighs the same, whatever its tokens.
      try loss.mean() / Double(window.count)
    }), function: "trainWithTokenAccumulation")

  static let summedLossDividedBySteps = KnownMistake(
    "summedLossDividedBySteps", .summedLossDividedBySteps,
    "each micro-batch's summed token loss was divided by accumulationSteps instead of the window's token count",
    ex6: .reference(tokens: WrongAccumulationLimits.tokenLoop { loss, _, steps in
      // BUG: the sum over tokens, divided by the number of micro-batches.
      try loss.sum / Double(steps)
    }), function: "trainWithTokenAccumulation")

  static let paddingCounted = KnownMistake(
    "paddingCounted", .paddingCounted,
    "the window's count took every row of the padded targets, padding included",
    ex6: .reference(tokens: WrongAccumulationLimits.tokenLoop { loss, window, _ in
      // BUG: targets.count is every row, padding (-100) included.
      try loss.sum / Double(window.reduce(0) { $0 + $1.targets.count })
    }), function: "trainWithTokenAccumulation")

  static let tokensCountedPerMicroBatch = KnownMistake(
    "tokensCountedPerMicroBatch", .tokensCountedPerMicroBatch,
    "each micro-batch's summed loss was divided by its own token count, not the window's",
    ex6: .reference(tokens: WrongAccumulationLimits.tokenLoop { loss, _, _ in
      // BUG: this micro-batch's tokens only: no look-ahead over the window.
      try loss.sum / Double(loss.count)
    }), function: "trainWithTokenAccumulation")

  static let tokensCountedPerWorker = KnownMistake(
    "tokensCountedPerWorker", .tokensCountedPerWorker,
    "each worker divided its losses by its own token count (times the world size), never all-reducing the counts",
    ex6: .reference(workers: WrongAccumulationLimits.workersLoop(global: false) { loss, tokens, worldSize in
      // BUG: the worker's own count stands in for the count over all workers.
      try loss.sum * (worldSize / tokens)
    }), function: "trainDataParallel")

  // Workers.
  static let allReduceEveryMicroStep = KnownMistake(
    "allReduceEveryMicroStep", .allReduceEveryMicroStep,
    "the gradients were all-reduced after every micro-step, as DDP does without no_sync",
    ex6: .reference(workers: WrongAccumulationLimits.syncLoop { _, _ in
      // BUG: synced after every micro-step, not only the window's last.
      true
    }), function: "trainDataParallel")

  static let syncOffByOne = KnownMistake(
    "syncOffByOne", .syncOffByOne,
    "the gradients were all-reduced when microStep % accumulationSteps == 0 with a 0-based microStep: after a "
      + "window's first micro-step, not its last",
    ex6: .reference(workers: WrongAccumulationLimits.syncOffByOne), function: "trainDataParallel")

  static let syncOneTooMany = KnownMistake(
    "syncOffByOne (one sync too many)", .syncOffByOne,
    "the gradients were all-reduced after a window's last two micro-steps, not its last alone",
    ex6: .reference(workers: WrongAccumulationLimits.syncLoop { j, count in
      // BUG: - 2 where - 1 was meant: the micro-step before the last syncs too.
      j >= count - 2
    }), function: "trainDataParallel")

  static let meanOfWorkerMeans = KnownMistake(
    "meanOfWorkerMeans", .meanOfWorkerMeans,
    "each worker took the mean over its own tokens and the all-reduce averaged those means",
    ex6: .reference(workers: WrongAccumulationLimits.workersLoop(global: false) { loss, tokens, _ in
      // BUG: a mean per worker; the .average all-reduce then averages the means.
      try loss.sum / tokens
    }), function: "trainDataParallel")

  static let worldSizeDividedTwice = KnownMistake(
    "worldSizeDividedTwice", .worldSizeDividedTwice,
    "the losses were divided by the token count over all workers and the .average all-reduce divided by the world "
      + "size again",
    ex6: .reference(workers: WrongAccumulationLimits.workersLoop(global: true) { loss, tokens, _ in
      // BUG: right for a .sum all-reduce; .average divides by worldSize once more.
      try loss.sum / tokens
    }), function: "trainDataParallel")

  // Clipping across workers.
  static let clipByLocalNorm = KnownMistake(
    "clipByLocalNorm", .clipByLocalNorm,
    "each worker clipped its gradients by the norm of what it holds, with no all-reduce",
    ex6: .reference(norm: WrongAccumulationLimits.clipByLocalNorm), function: "clipGradNormAcrossWorkers")

  static let normsAllReduced = KnownMistake(
    "normsAllReduced", .normsAllReduced,
    "the workers' norms were all-reduced (added up) instead of their sums of squares",
    ex6: .reference(norm: WrongAccumulationLimits.normLoop { sharded, replicated, group in
      // BUG: norms do not add up; their squares do.
      let norm = try group.allReduce(sharded.map { WrongAccumulationLimits.squares($0).squareRoot() }, op: .sum)
      return (norm * norm + WrongAccumulationLimits.squares(replicated[0])).squareRoot()
    }), function: "clipGradNormAcrossWorkers")

  static let replicatedCountedPerWorker = KnownMistake(
    "replicatedCountedPerWorker", .replicatedCountedPerWorker,
    "every worker added the replicated parameters' squares to its own before the all-reduce, so they counted once "
      + "per worker",
    ex6: .reference(norm: WrongAccumulationLimits.normLoop { sharded, replicated, group in
      // BUG: the replicated squares go into every worker's part of the sum.
      let squares = zip(sharded, replicated).map { WrongAccumulationLimits.squares($0 + $1) }
      return try group.allReduce(squares, op: .sum).squareRoot()
    }), function: "clipGradNormAcrossWorkers")
}

extension WorkbookCode {
  /// The reference, with exercise 6's part replaced.
  static func reference(ex6: AccumulationLimitsCode) -> WorkbookCode {
    var code = ReferenceCode.code
    code.ex6 = ex6
    return code
  }
}

extension AccumulationLimitsCode {
  /// The reference's exercise 6 with one function replaced.
  static func reference(
    tokens: ((any Module, any Optimizer, [TokenBatch], Int, TokenLossFunction) throws -> [Double])? = nil,
    workers: (([Worker], Int, TokenLossFunction, ProcessGroup) throws -> Void)? = nil,
    norm: (([[Tensor]], [[Tensor]], Double, ProcessGroup) throws -> Double)? = nil,
    value: (([[Tensor]], [[Tensor]], Double, ProcessGroup) throws -> Void)? = nil
  ) -> AccumulationLimitsCode {
    var code = ReferenceCode.code.ex6!
    if let tokens { code.trainWithTokenAccumulation = tokens }
    if let workers { code.trainDataParallel = workers }
    if let norm { code.clipGradNormAcrossWorkers = norm }
    if let value { code.clipGradValueAcrossWorkers = value }
    return code
  }
}

enum WrongAccumulationLimits {
  static func invalid(_ function: String, _ detail: String) -> WorkbookError {
    WorkbookError.invalidArgument(function: function, detail: detail)
  }

  static func squares(_ parameters: [Tensor]) -> Double {
    parameters.compactMap(\.grad).reduce(0) { $0 + $1.data.reduce(0) { $0 + $1 * $1 } }
  }

  /// The reference's token loop, backward() on `divided(loss, window,
  /// accumulationSteps)` where the reference has `loss.sum / N`.
  static func tokenLoop(
    _ divided: @escaping (_ loss: TokenLoss, _ window: ArraySlice<TokenBatch>, _ accumulationSteps: Int) throws
      -> Tensor
  ) -> (any Module, any Optimizer, [TokenBatch], Int, TokenLossFunction) throws -> [Double] {
    { model, optimizer, microBatches, accumulationSteps, lossFunction in
      guard accumulationSteps >= 1 else {
        throw invalid("trainWithTokenAccumulation", "accumulationSteps must be at least 1, got \(accumulationSteps)")
      }
      var losses: [Double] = []
      optimizer.zeroGrad()
      for start in stride(from: 0, to: microBatches.count, by: accumulationSteps) {
        let window = microBatches[start..<min(start + accumulationSteps, microBatches.count)]
        var windowLoss = 0.0
        for batch in window {
          let weighted = try divided(lossFunction(model(batch.inputs), batch.targets), window, accumulationSteps)
          try weighted.backward()
          windowLoss += weighted.item()
        }
        optimizer.step()
        optimizer.zeroGrad()
        losses.append(windowLoss)
      }
      return losses
    }
  }

  /// The arguments `trainDataParallel` must refuse, and its number of
  /// micro-steps.
  static func validate(_ workers: [Worker], _ accumulationSteps: Int, _ group: ProcessGroup) throws -> Int {
    guard accumulationSteps >= 1 else {
      throw invalid("trainDataParallel", "accumulationSteps must be at least 1, got \(accumulationSteps)")
    }
    guard let microSteps = workers.first?.microBatches.count else { throw invalid("trainDataParallel", "no workers") }
    guard workers.allSatisfy({ $0.microBatches.count == microSteps }), group.worldSize == workers.count else {
      throw invalid("trainDataParallel", "the workers' micro-batches or the group's size do not match")
    }
    return microSteps
  }

  /// Each worker's real tokens in micro-steps `window`.
  static func ownTokens(_ workers: [Worker], _ window: Range<Int>) -> [Double] {
    workers.map { worker in Double(window.reduce(0) { $0 + worker.microBatches[$1].tokenCount }) }
  }

  /// The reference's data-parallel loop, each worker's backward() on
  /// `weighted(loss, tokens, worldSize)` where the reference has
  /// `loss.sum * (worldSize / N)`; `tokens` is the count over all workers
  /// (`global`) or the worker's own.
  static func workersLoop(
    global: Bool, _ weighted: @escaping (_ loss: TokenLoss, _ tokens: Double, _ worldSize: Double) throws -> Tensor
  ) -> ([Worker], Int, TokenLossFunction, ProcessGroup) throws -> Void {
    { workers, accumulationSteps, lossFunction, group in
      let microSteps = try validate(workers, accumulationSteps, group)
      for worker in workers { worker.optimizer.zeroGrad() }
      for start in stride(from: 0, to: microSteps, by: accumulationSteps) {
        let window = start..<min(start + accumulationSteps, microSteps)
        let own = ownTokens(workers, window)
        let total = global ? try group.allReduce(own, op: .sum) : 0
        for microStep in window {
          for (rank, worker) in workers.enumerated() {
            let batch = worker.microBatches[microStep]
            let loss = try lossFunction(worker.model(batch.inputs), batch.targets)
            try weighted(loss, global ? total : own[rank], Double(group.worldSize)).backward()
          }
        }
        try group.allReduce(gradientsOf: workers.map { $0.model.parameters() }, op: .average)
        for worker in workers {
          worker.optimizer.step()
          worker.optimizer.zeroGrad()
        }
      }
    }
  }

  /// The reference's data-parallel loop with the gradient all-reduce
  /// inside the loop over a window's micro-steps, after micro-step `j` of
  /// `count` when `syncs(j, count)`: where the reference syncs when
  /// `j == count - 1`.
  static func syncLoop(_ syncs: @escaping (_ j: Int, _ count: Int) -> Bool)
    -> ([Worker], Int, TokenLossFunction, ProcessGroup) throws -> Void
  {
    { workers, accumulationSteps, lossFunction, processGroup in
      let microSteps = try validate(workers, accumulationSteps, processGroup)
      let worldSize = Double(processGroup.worldSize)
      for worker in workers { worker.optimizer.zeroGrad() }
      for start in stride(from: 0, to: microSteps, by: accumulationSteps) {
        let window = start..<min(start + accumulationSteps, microSteps)
        let windowTokens = try processGroup.allReduce(ownTokens(workers, window), op: .sum)
        for (j, microStep) in window.enumerated() {
          for worker in workers {
            let batch = worker.microBatches[microStep]
            let loss = try lossFunction(worker.model(batch.inputs), batch.targets)
            try (loss.sum * (worldSize / windowTokens)).backward()
          }
          if syncs(j, window.count) {
            try processGroup.allReduce(gradientsOf: workers.map { $0.model.parameters() }, op: .average)
          }
        }
        for worker in workers {
          worker.optimizer.step()
          worker.optimizer.zeroGrad()
        }
      }
    }
  }

  /// The one-pass shape of the loop, as DDP code often has it: `no_sync`
  /// unless this micro-step syncs, a step when it ends a window.
  static func syncOffByOne(
    workers: [Worker], accumulationSteps: Int, lossFunction: TokenLossFunction, processGroup: ProcessGroup
  ) throws {
    let microSteps = try validate(workers, accumulationSteps, processGroup)
    let worldSize = Double(processGroup.worldSize)
    for worker in workers { worker.optimizer.zeroGrad() }
    var windowTokens = 0.0
    for microStep in 0..<microSteps {
      if microStep % accumulationSteps == 0 {
        let window = microStep..<min(microStep + accumulationSteps, microSteps)
        windowTokens = try processGroup.allReduce(ownTokens(workers, window), op: .sum)
      }
      for worker in workers {
        let batch = worker.microBatches[microStep]
        let loss = try lossFunction(worker.model(batch.inputs), batch.targets)
        try (loss.sum * (worldSize / windowTokens)).backward()
      }
      // BUG: true at a window's first micro-step; (microStep + 1) % accumulationSteps == 0, or the run's last
      // micro-step, was meant. The window's later micro-steps reach the step unsynced.
      if microStep % accumulationSteps == 0 {
        try processGroup.allReduce(gradientsOf: workers.map { $0.model.parameters() }, op: .average)
      }
      if (microStep + 1) % accumulationSteps == 0 || microStep == microSteps - 1 {
        for worker in workers {
          worker.optimizer.step()
          worker.optimizer.zeroGrad()
        }
      }
    }
  }

  /// The reference's norm clipping with the global norm computed by
  /// `norm(sharded, replicated, group)`.
  static func normLoop(_ norm: @escaping ([[Tensor]], [[Tensor]], ProcessGroup) throws -> Double)
    -> ([[Tensor]], [[Tensor]], Double, ProcessGroup) throws -> Double
  {
    { sharded, replicated, maxNorm, group in
      guard maxNorm >= 0 else { throw invalid("clipGradNormAcrossWorkers", "maxNorm must be ≥ 0, got \(maxNorm)") }
      guard sharded.count == group.worldSize, replicated.count == group.worldSize else {
        throw invalid("clipGradNormAcrossWorkers", "expected one list per worker")
      }
      let total = try norm(sharded, replicated, group)
      scale(sharded + replicated, by: factor(maxNorm, total))
      return total
    }
  }

  static func factor(_ maxNorm: Double, _ norm: Double) -> Double {
    let ratio = maxNorm / (norm + 1e-6)
    return ratio.isNaN ? ratio : min(1, ratio)
  }

  static func scale(_ lists: [[Tensor]], by factor: Double) {
    for grad in lists.flatMap({ $0 }).compactMap(\.grad) { grad.data = grad.data.map { $0 * factor } }
  }

  static func clipByLocalNorm(
    sharded: [[Tensor]], replicated: [[Tensor]], maxNorm: Double, processGroup: ProcessGroup
  ) throws -> Double {
    guard maxNorm >= 0 else { throw invalid("clipGradNormAcrossWorkers", "maxNorm must be ≥ 0, got \(maxNorm)") }
    guard sharded.count == processGroup.worldSize, replicated.count == processGroup.worldSize else {
      throw invalid("clipGradNormAcrossWorkers", "expected one list per worker")
    }
    var norms: [Double] = []
    for rank in 0..<processGroup.worldSize {
      // BUG: the norm of what this worker holds, never combined with the others'.
      let local = squares(sharded[rank] + replicated[rank]).squareRoot()
      scale([sharded[rank], replicated[rank]], by: factor(maxNorm, local))
      norms.append(local)
    }
    return norms[0]
  }
}
