import Autograd
import Contract
import Datasets
import Judge

// Exercise 3 with one bug each: the reference loop, copied, with the changed
// lines marked `// BUG:`. Two of them (stepOffByOne, partialWindowDropped)
// use the other common shape of the loop, one pass over the micro-batches
// that steps at the end of each window; `CorrectAccumulation.indexed` is
// that shape without the bug.

extension KnownMistake {
  static let lossNotDivided = KnownMistake(
    "lossNotDivided", .lossNotDivided, "each micro-batch's mean loss goes into backward() undivided, so the window's gradients add up to a sum",
    ex3: AccumulationCode(trainWithAccumulation: WrongAccumulation.lossNotDivided))

  static let zeroGradInsideWindow = KnownMistake(
    "zeroGradInsideWindow", .zeroGradInsideWindow, "optimizer.zeroGrad() runs before every micro-batch's backward(), so only the last micro-batch's gradient is left at step()",
    ex3: AccumulationCode(trainWithAccumulation: WrongAccumulation.zeroGradInsideWindow))

  static let stepEveryMicroBatch = KnownMistake(
    "stepEveryMicroBatch", .stepEveryMicroBatch, "step() and zeroGrad() run after every micro-batch's backward()",
    ex3: AccumulationCode(trainWithAccumulation: WrongAccumulation.stepEveryMicroBatch))

  static let noZeroGradAfterStep = KnownMistake(
    "noZeroGradAfterStep", .noZeroGradAfterStep, "zeroGrad() runs once before the loop and never after step(), so each window's gradient is added to the last one's",
    ex3: AccumulationCode(trainWithAccumulation: WrongAccumulation.noZeroGradAfterStep))

  static let stepOffByOne = KnownMistake(
    "stepOffByOne", .stepOffByOne, "the loop steps when i % accumulationSteps == 0 with a 0-based i, one micro-batch too early",
    ex3: AccumulationCode(trainWithAccumulation: WrongAccumulation.stepOffByOne))

  static let partialWindowDropped = KnownMistake(
    "partialWindowDropped", .partialWindowDropped, "the loop takes full windows only, so a shorter last window gets no step",
    ex3: AccumulationCode(trainWithAccumulation: WrongAccumulation.partialWindowDropped))

  static let partialWindowDividedBySteps = KnownMistake(
    "partialWindowDividedBySteps", .partialWindowDividedBySteps,
    "every loss is divided by accumulationSteps, also in a shorter last window",
    ex3: AccumulationCode(trainWithAccumulation: WrongAccumulation.dividedBySteps), alsoNamed: [.meanOfMicroBatchMeans])

  static let meanOfMicroBatchMeans = KnownMistake(
    "meanOfMicroBatchMeans", .meanOfMicroBatchMeans,
    "each loss is divided by the window's micro-batch count, whatever the micro-batch sizes, so samples in small micro-batches count more",
    ex3: AccumulationCode(trainWithAccumulation: WrongAccumulation.dividedByWindowCount),
    alsoNamed: [.partialWindowDividedBySteps])

  static let meanOfWindowLosses = KnownMistake(
    "meanOfMicroBatchMeans (one backward)", .meanOfMicroBatchMeans,
    "the window's losses are averaged into one tensor and backward() runs once per window",
    ex3: AccumulationCode(trainWithAccumulation: WrongAccumulation.meanOfWindowLosses))

  static let oneBackwardPerWindow = KnownMistake(
    "oneBackwardPerWindow", .oneBackwardPerWindow,
    "the window's weighted losses are summed into one tensor and backward() runs once for the window",
    ex3: AccumulationCode(trainWithAccumulation: WrongAccumulation.oneBackwardPerWindow))

  static let weightFromIntegerDivision = KnownMistake(
    "weightFromIntegerDivision", .weightFromIntegerDivision,
    "the weight is Double(batch.count / windowSamples), an integer division that gives 0",
    ex3: AccumulationCode(trainWithAccumulation: WrongAccumulation.integerDivisionWeight))
}

enum WrongAccumulation {
  static func invalidSteps(_ accumulationSteps: Int) -> WorkbookError {
    WorkbookError.invalidArgument(
      function: "trainWithAccumulation", detail: "accumulationSteps must be at least 1, got \(accumulationSteps)")
  }

  static func lossNotDivided(
    model: any Module, optimizer: any Optimizer, microBatches: [Batch],
    accumulationSteps: Int, lossFunction: LossFunction
  ) throws -> [Double] {
    guard accumulationSteps >= 1 else { throw invalidSteps(accumulationSteps) }
    var losses: [Double] = []
    optimizer.zeroGrad()
    for start in stride(from: 0, to: microBatches.count, by: accumulationSteps) {
      let window = microBatches[start..<min(start + accumulationSteps, microBatches.count)]
      let windowSamples = window.reduce(0) { $0 + $1.count }
      var windowLoss = 0.0
      for batch in window {
        let loss = try lossFunction(model(batch.inputs), batch.targets)
        let weight = Double(batch.count) / Double(windowSamples)
        // BUG: the weight is used for the reported loss only; backward()
        // gets the whole micro-batch mean, so the gradients add up to a sum.
        try loss.backward()
        windowLoss += loss.item() * weight
      }
      optimizer.step()
      optimizer.zeroGrad()
      losses.append(windowLoss)
    }
    return losses
  }

  static func integerDivisionWeight(
    model: any Module, optimizer: any Optimizer, microBatches: [Batch],
    accumulationSteps: Int, lossFunction: LossFunction
  ) throws -> [Double] {
    guard accumulationSteps >= 1 else { throw invalidSteps(accumulationSteps) }
    var losses: [Double] = []
    optimizer.zeroGrad()
    for start in stride(from: 0, to: microBatches.count, by: accumulationSteps) {
      let window = microBatches[start..<min(start + accumulationSteps, microBatches.count)]
      let windowSamples = window.reduce(0) { $0 + $1.count }
      var windowLoss = 0.0
      for batch in window {
        let loss = try lossFunction(model(batch.inputs), batch.targets)
        // BUG: Int / Int first, so the weight is 0 unless the window holds
        // one micro-batch.
        let weight = Double(batch.count / windowSamples)
        try (loss * weight).backward()
        windowLoss += loss.item() * weight
      }
      optimizer.step()
      optimizer.zeroGrad()
      losses.append(windowLoss)
    }
    return losses
  }

  static func zeroGradInsideWindow(
    model: any Module, optimizer: any Optimizer, microBatches: [Batch],
    accumulationSteps: Int, lossFunction: LossFunction
  ) throws -> [Double] {
    guard accumulationSteps >= 1 else { throw invalidSteps(accumulationSteps) }
    var losses: [Double] = []
    optimizer.zeroGrad()
    for start in stride(from: 0, to: microBatches.count, by: accumulationSteps) {
      let window = microBatches[start..<min(start + accumulationSteps, microBatches.count)]
      let windowSamples = window.reduce(0) { $0 + $1.count }
      var windowLoss = 0.0
      for batch in window {
        // BUG: the habit from ordinary training erases what the window's
        // earlier micro-batches accumulated.
        optimizer.zeroGrad()
        let loss = try lossFunction(model(batch.inputs), batch.targets)
        let weight = Double(batch.count) / Double(windowSamples)
        try (loss * weight).backward()
        windowLoss += loss.item() * weight
      }
      optimizer.step()
      optimizer.zeroGrad()
      losses.append(windowLoss)
    }
    return losses
  }

  static func stepEveryMicroBatch(
    model: any Module, optimizer: any Optimizer, microBatches: [Batch],
    accumulationSteps: Int, lossFunction: LossFunction
  ) throws -> [Double] {
    guard accumulationSteps >= 1 else { throw invalidSteps(accumulationSteps) }
    var losses: [Double] = []
    optimizer.zeroGrad()
    for start in stride(from: 0, to: microBatches.count, by: accumulationSteps) {
      let window = microBatches[start..<min(start + accumulationSteps, microBatches.count)]
      let windowSamples = window.reduce(0) { $0 + $1.count }
      var windowLoss = 0.0
      for batch in window {
        let loss = try lossFunction(model(batch.inputs), batch.targets)
        let weight = Double(batch.count) / Double(windowSamples)
        try (loss * weight).backward()
        windowLoss += loss.item() * weight
        // BUG: stepping inside the window, after every micro-batch.
        optimizer.step()
        optimizer.zeroGrad()
      }
      losses.append(windowLoss)
    }
    return losses
  }

  static func noZeroGradAfterStep(
    model: any Module, optimizer: any Optimizer, microBatches: [Batch],
    accumulationSteps: Int, lossFunction: LossFunction
  ) throws -> [Double] {
    guard accumulationSteps >= 1 else { throw invalidSteps(accumulationSteps) }
    var losses: [Double] = []
    optimizer.zeroGrad()
    for start in stride(from: 0, to: microBatches.count, by: accumulationSteps) {
      let window = microBatches[start..<min(start + accumulationSteps, microBatches.count)]
      let windowSamples = window.reduce(0) { $0 + $1.count }
      var windowLoss = 0.0
      for batch in window {
        let loss = try lossFunction(model(batch.inputs), batch.targets)
        let weight = Double(batch.count) / Double(windowSamples)
        try (loss * weight).backward()
        windowLoss += loss.item() * weight
      }
      // BUG: no zeroGrad() after the step, so the next window starts from
      // this window's gradient.
      optimizer.step()
      losses.append(windowLoss)
    }
    return losses
  }

  static func stepOffByOne(
    model: any Module, optimizer: any Optimizer, microBatches: [Batch],
    accumulationSteps: Int, lossFunction: LossFunction
  ) throws -> [Double] {
    guard accumulationSteps >= 1 else { throw invalidSteps(accumulationSteps) }
    var losses: [Double] = []
    var windowLoss = 0.0
    optimizer.zeroGrad()
    for (i, batch) in microBatches.enumerated() {
      let start = i / accumulationSteps * accumulationSteps
      let window = microBatches[start..<min(start + accumulationSteps, microBatches.count)]
      let windowSamples = window.reduce(0) { $0 + $1.count }
      let loss = try lossFunction(model(batch.inputs), batch.targets)
      let weight = Double(batch.count) / Double(windowSamples)
      try (loss * weight).backward()
      windowLoss += loss.item() * weight
      // BUG: with a 0-based i this is true after the first micro-batch of
      // each window, not the last; (i + 1) % accumulationSteps was meant.
      if i % accumulationSteps == 0 {
        optimizer.step()
        optimizer.zeroGrad()
        losses.append(windowLoss)
        windowLoss = 0
      }
    }
    return losses
  }

  static func partialWindowDropped(
    model: any Module, optimizer: any Optimizer, microBatches: [Batch],
    accumulationSteps: Int, lossFunction: LossFunction
  ) throws -> [Double] {
    guard accumulationSteps >= 1 else { throw invalidSteps(accumulationSteps) }
    var losses: [Double] = []
    var windowLoss = 0.0
    optimizer.zeroGrad()
    for (i, batch) in microBatches.enumerated() {
      let start = i / accumulationSteps * accumulationSteps
      let window = microBatches[start..<min(start + accumulationSteps, microBatches.count)]
      let windowSamples = window.reduce(0) { $0 + $1.count }
      let loss = try lossFunction(model(batch.inputs), batch.targets)
      let weight = Double(batch.count) / Double(windowSamples)
      try (loss * weight).backward()
      windowLoss += loss.item() * weight
      // BUG: only a full window ends in a step; the micro-batches of a
      // shorter last window are computed and never stepped on.
      if (i + 1) % accumulationSteps == 0 {
        optimizer.step()
        optimizer.zeroGrad()
        losses.append(windowLoss)
        windowLoss = 0
      }
    }
    return losses
  }

  static func dividedBySteps(
    model: any Module, optimizer: any Optimizer, microBatches: [Batch],
    accumulationSteps: Int, lossFunction: LossFunction
  ) throws -> [Double] {
    guard accumulationSteps >= 1 else { throw invalidSteps(accumulationSteps) }
    var losses: [Double] = []
    optimizer.zeroGrad()
    for start in stride(from: 0, to: microBatches.count, by: accumulationSteps) {
      let window = microBatches[start..<min(start + accumulationSteps, microBatches.count)]
      var windowLoss = 0.0
      for batch in window {
        let loss = try lossFunction(model(batch.inputs), batch.targets)
        // BUG: the textbook 1 / accumulationSteps, right only for a full
        // window of equal micro-batches.
        let weight = 1 / Double(accumulationSteps)
        try (loss * weight).backward()
        windowLoss += loss.item() * weight
      }
      optimizer.step()
      optimizer.zeroGrad()
      losses.append(windowLoss)
    }
    return losses
  }

  static func dividedByWindowCount(
    model: any Module, optimizer: any Optimizer, microBatches: [Batch],
    accumulationSteps: Int, lossFunction: LossFunction
  ) throws -> [Double] {
    guard accumulationSteps >= 1 else { throw invalidSteps(accumulationSteps) }
    var losses: [Double] = []
    optimizer.zeroGrad()
    for start in stride(from: 0, to: microBatches.count, by: accumulationSteps) {
      let window = microBatches[start..<min(start + accumulationSteps, microBatches.count)]
      var windowLoss = 0.0
      for batch in window {
        let loss = try lossFunction(model(batch.inputs), batch.targets)
        // BUG: every micro-batch weighs the same, so a sample in a small
        // micro-batch counts more than one in a large one.
        let weight = 1 / Double(window.count)
        try (loss * weight).backward()
        windowLoss += loss.item() * weight
      }
      optimizer.step()
      optimizer.zeroGrad()
      losses.append(windowLoss)
    }
    return losses
  }

  static func meanOfWindowLosses(
    model: any Module, optimizer: any Optimizer, microBatches: [Batch],
    accumulationSteps: Int, lossFunction: LossFunction
  ) throws -> [Double] {
    guard accumulationSteps >= 1 else { throw invalidSteps(accumulationSteps) }
    var losses: [Double] = []
    optimizer.zeroGrad()
    for start in stride(from: 0, to: microBatches.count, by: accumulationSteps) {
      let window = microBatches[start..<min(start + accumulationSteps, microBatches.count)]
      var total: Tensor?
      for batch in window {
        let loss = try lossFunction(model(batch.inputs), batch.targets)
        total = try total.map { try $0 + loss } ?? loss
      }
      guard let total else { continue }
      // BUG: the mean of the micro-batch means, not the mean over samples.
      let mean = try total / Double(window.count)
      try mean.backward()
      optimizer.step()
      optimizer.zeroGrad()
      losses.append(mean.item())
    }
    return losses
  }
}

extension WrongAccumulation {
  static func oneBackwardPerWindow(
    model: any Module, optimizer: any Optimizer, microBatches: [Batch],
    accumulationSteps: Int, lossFunction: LossFunction
  ) throws -> [Double] {
    guard accumulationSteps >= 1 else { throw invalidSteps(accumulationSteps) }
    var losses: [Double] = []
    optimizer.zeroGrad()
    for start in stride(from: 0, to: microBatches.count, by: accumulationSteps) {
      let window = microBatches[start..<min(start + accumulationSteps, microBatches.count)]
      let windowSamples = window.reduce(0) { $0 + $1.count }
      var windowLoss: Tensor?
      for batch in window {
        let loss = try lossFunction(model(batch.inputs), batch.targets)
        let weighted = try loss * (Double(batch.count) / Double(windowSamples))
        windowLoss = try windowLoss.map { try $0 + weighted } ?? weighted
      }
      guard let windowLoss else { continue }
      // BUG: one backward() for the window keeps every micro-batch's graph
      // alive until it runs: the numbers are right, the memory is a large batch's.
      try windowLoss.backward()
      optimizer.step()
      optimizer.zeroGrad()
      losses.append(windowLoss.item())
    }
    return losses
  }
}
