import Autograd
import Contract
import Datasets
import Foundation
@testable import AnswerKey
import Judge

/// Exercise 6 written correctly, but otherwise than the reference.
enum CorrectAccumulationLimits {
  /// backward() on every micro-batch's summed loss, then the window's
  /// gradient divided once by its token count before the step.
  static func scaledGradients(
    model: any Module, optimizer: any Optimizer, microBatches: [TokenBatch], accumulationSteps: Int,
    lossFunction: TokenLossFunction
  ) throws -> [Double] {
    guard accumulationSteps >= 1 else {
      throw WrongAccumulationLimits.invalid("trainWithTokenAccumulation", "accumulationSteps must be at least 1")
    }
    var losses: [Double] = []
    optimizer.zeroGrad()
    for start in stride(from: 0, to: microBatches.count, by: accumulationSteps) {
      let window = microBatches[start..<min(start + accumulationSteps, microBatches.count)]
      var sum = 0.0, tokens = 0
      for batch in window {
        let loss = try lossFunction(model(batch.inputs), batch.targets)
        try loss.sum.backward()
        sum += loss.sum.item()
        tokens += loss.count
      }
      for grad in optimizer.parameters.compactMap(\.grad) { grad.data = grad.data.map { $0 / Double(tokens) } }
      optimizer.step()
      optimizer.zeroGrad()
      losses.append(sum / Double(tokens))
    }
    return losses
  }

  /// One pass over the micro-batches, each window's tokens counted from
  /// its targets by hand when the window starts.
  static func countedFromTargets(
    model: any Module, optimizer: any Optimizer, microBatches: [TokenBatch], accumulationSteps: Int,
    lossFunction: TokenLossFunction
  ) throws -> [Double] {
    guard accumulationSteps >= 1 else {
      throw WrongAccumulationLimits.invalid("trainWithTokenAccumulation", "accumulationSteps must be at least 1")
    }
    var losses: [Double] = []
    var windowTokens = 0.0, windowLoss = 0.0
    model.zeroGrad()
    for (i, batch) in microBatches.enumerated() {
      if i % accumulationSteps == 0 {
        let window = microBatches[i..<min(i + accumulationSteps, microBatches.count)]
        windowTokens = Double(window.flatMap(\.targets.data).filter { $0 != -100 }.count)
      }
      let loss = try lossFunction(model(batch.inputs), batch.targets).sum * (1 / windowTokens)
      try loss.backward()
      windowLoss += loss.item()
      if (i + 1) % accumulationSteps == 0 || i == microBatches.count - 1 {
        optimizer.step()
        model.zeroGrad()
        losses.append(windowLoss)
        windowLoss = 0
      }
    }
    return losses
  }

  /// A `.sum` all-reduce, so no world-size factor; the workers in reverse.
  static func summedAllReduce(
    workers: [Worker], accumulationSteps: Int, lossFunction: TokenLossFunction, processGroup: ProcessGroup
  ) throws {
    let microSteps = try WrongAccumulationLimits.validate(workers, accumulationSteps, processGroup)
    for worker in workers { worker.model.zeroGrad() }
    for start in stride(from: 0, to: microSteps, by: accumulationSteps) {
      let window = start..<min(start + accumulationSteps, microSteps)
      let tokens = try processGroup.allReduce(WrongAccumulationLimits.ownTokens(workers, window), op: .sum)
      for microStep in window {
        for worker in workers.reversed() {
          let batch = worker.microBatches[microStep]
          try (lossFunction(worker.model(batch.inputs), batch.targets).sum / tokens).backward()
        }
      }
      try processGroup.allReduce(gradientsOf: workers.map { $0.model.parameters() }, op: .sum)
      for worker in workers.reversed() {
        worker.optimizer.step()
        worker.model.zeroGrad()
      }
    }
  }

  /// The one-pass loop of `WrongAccumulationLimits.syncOffByOne`, syncing
  /// at the micro-step that ends a window.
  static func syncAtWindowEnd(
    workers: [Worker], accumulationSteps: Int, lossFunction: TokenLossFunction, processGroup: ProcessGroup
  ) throws {
    let microSteps = try WrongAccumulationLimits.validate(workers, accumulationSteps, processGroup)
    let worldSize = Double(processGroup.worldSize)
    for worker in workers { worker.optimizer.zeroGrad() }
    var windowTokens = 0.0
    for microStep in 0..<microSteps {
      if microStep % accumulationSteps == 0 {
        let window = microStep..<min(microStep + accumulationSteps, microSteps)
        windowTokens = try processGroup.allReduce(WrongAccumulationLimits.ownTokens(workers, window), op: .sum)
      }
      for worker in workers {
        let batch = worker.microBatches[microStep]
        let loss = try lossFunction(worker.model(batch.inputs), batch.targets)
        try (loss.sum * (worldSize / windowTokens)).backward()
      }
      if (microStep + 1) % accumulationSteps == 0 || microStep == microSteps - 1 {
        try processGroup.allReduce(gradientsOf: workers.map { $0.model.parameters() }, op: .average)
        for worker in workers {
          worker.optimizer.step()
          worker.optimizer.zeroGrad()
        }
      }
    }
  }

  /// Each worker's own norm, squared again before the all-reduce: squares
  /// are what add up.
  static func squaredNorms(
    sharded: [[Tensor]], replicated: [[Tensor]], maxNorm: Double, processGroup: ProcessGroup
  ) throws -> Double {
    try WrongAccumulationLimits.normLoop { sharded, replicated, group in
      let norms = sharded.map { WrongAccumulationLimits.squares($0).squareRoot() }
      let shards = try group.allReduce(norms.map { $0 * $0 }, op: .sum)
      return (shards + WrongAccumulationLimits.squares(replicated.last ?? [])).squareRoot()
    }(sharded, replicated, maxNorm, processGroup)
  }

  /// An in-place loop with if/else.
  static func clampInPlace(
    sharded: [[Tensor]], replicated: [[Tensor]], clipValue: Double, processGroup: ProcessGroup
  ) throws {
    guard clipValue >= 0 else {
      throw WrongAccumulationLimits.invalid("clipGradValueAcrossWorkers", "clipValue must be ≥ 0, got \(clipValue)")
    }
    guard sharded.count == processGroup.worldSize, replicated.count == processGroup.worldSize else {
      throw WrongAccumulationLimits.invalid("clipGradValueAcrossWorkers", "one list per worker")
    }
    for grad in (sharded + replicated).joined().compactMap(\.grad) {
      for i in grad.data.indices {
        if grad.data[i] > clipValue {
          grad.data[i] = clipValue
        } else if grad.data[i] < -clipValue {
          grad.data[i] = -clipValue
        }
      }
    }
  }
}

/// Exercise 6's mistakes as a student may write them, otherwise than the
/// answer key's catalogue.
enum StudentWrittenMistakes {
  /// Each worker's mean over its own tokens, a .sum all-reduce, and the
  /// sum divided by the world size by hand.
  static func meanOfWorkerMeansBySum(
    workers: [Worker], accumulationSteps: Int, lossFunction: TokenLossFunction, processGroup: ProcessGroup
  ) throws {
    let microSteps = try WrongAccumulationLimits.validate(workers, accumulationSteps, processGroup)
    for worker in workers { worker.optimizer.zeroGrad() }
    for start in stride(from: 0, to: microSteps, by: accumulationSteps) {
      let window = start..<min(start + accumulationSteps, microSteps)
      let own = WrongAccumulationLimits.ownTokens(workers, window)
      for microStep in window {
        for (rank, worker) in workers.enumerated() {
          let batch = worker.microBatches[microStep]
          try (lossFunction(worker.model(batch.inputs), batch.targets).sum / own[rank]).backward()
        }
      }
      try processGroup.allReduce(gradientsOf: workers.map { $0.model.parameters() }, op: .sum)
      for worker in workers {
        for grad in worker.model.parameters().compactMap(\.grad) {
          grad.data = grad.data.map { $0 / Double(processGroup.worldSize) }
        }
        worker.optimizer.step()
        worker.optimizer.zeroGrad()
      }
    }
  }
}
