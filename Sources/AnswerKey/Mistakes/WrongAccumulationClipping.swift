import Autograd
import Contract
import Datasets
import Judge

// Exercise 4 with one bug each: the reference loop, copied, with the changed
// lines marked `// BUG:`. The first four misplace the clipping; the others
// carry exercise 3's accumulation mistakes into this exercise, where
// clipping can hide them when the gradient is above maxNorm.

extension KnownMistake {
  static let clipEachMicroBatch = KnownMistake(
    "clipEachMicroBatch", .clipEachMicroBatch, "clipGradNorm runs after every micro-batch's backward(), on the sum so far, instead of once for the window",
    ex4: .reference(WrongAccumulationClipping.clipEachMicroBatch))

  static let clipAfterStep = KnownMistake(
    "clipAtWrongTime (after step)", .clipAtWrongTime, "clipGradNorm runs after optimizer.step(), when the step has already used the unclipped gradient",
    ex4: .reference(WrongAccumulationClipping.clipAfterStep))

  static let clipBeforeLastBackward = KnownMistake(
    "clipAtWrongTime (before the last backward)", .clipAtWrongTime,
    "clipGradNorm runs before the window's last backward(), which adds its gradient unclipped",
    ex4: .reference(WrongAccumulationClipping.clipBeforeLastBackward))

  static let recordsClippedNorm = KnownMistake(
    "returnsClippedNorm (exercise 4)", .returnsClippedNorm, "each record holds the norm measured after clipping, not the one clipGradNorm returned",
    ex4: .reference(WrongAccumulationClipping.recordsClippedNorm))

  static let clippedLossNotDivided = KnownMistake(
    "lossNotDivided (exercise 4)", .lossNotDivided, "each micro-batch's mean loss goes into backward() undivided, so the window's gradients add up to a sum",
    ex4: .reference(WrongAccumulationClipping.lossNotDivided))

  static let clippedZeroGradInsideWindow = KnownMistake(
    "zeroGradInsideWindow (exercise 4)", .zeroGradInsideWindow,
    "optimizer.zeroGrad() runs before every micro-batch's backward(), so only the last micro-batch's gradient is left at step()",
    ex4: .reference(WrongAccumulationClipping.zeroGradInsideWindow))

  static let clippedNoZeroGradAfterStep = KnownMistake(
    "noZeroGradAfterStep (exercise 4)", .noZeroGradAfterStep, "zeroGrad() runs once before the loop and never after step(), so each window's gradient is added to the last one's",
    ex4: .reference(WrongAccumulationClipping.noZeroGradAfterStep))

  static let clippedPartialWindowDividedBySteps = KnownMistake(
    "partialWindowDividedBySteps (exercise 4)", .partialWindowDividedBySteps,
    "every loss is divided by accumulationSteps, also in a shorter last window",
    ex4: .reference(WrongAccumulationClipping.dividedBySteps), alsoNamed: [.meanOfMicroBatchMeans])

  static let thresholdTimesSteps = KnownMistake(
    "lossNotDivided (maxNorm × accumulationSteps)", .lossNotDivided,
    "the losses are not divided and maxNorm is multiplied by accumulationSteps to make up for it, which makes every step accumulationSteps times too long",
    ex4: .reference(WrongAccumulationClipping.thresholdTimesSteps))

  static let clippedOneBackwardPerWindow = KnownMistake(
    "oneBackwardPerWindow (clipped)", .oneBackwardPerWindow,
    "the window's weighted losses are summed into one tensor and backward() runs once for the window",
    ex4: .reference(WrongAccumulationClipping.oneBackwardPerWindow))

  static let validatesMaxNormLate = KnownMistake(
    "validatesTooLate", .validatesTooLate,
    "maxNorm is not checked before training: clipGradNorm rejects it only after a window has run",
    ex4: .reference(WrongAccumulationClipping.validatesMaxNormLate))
}

extension AccumulationClippingCode {
  /// `trainWithAccumulationAndClipping` with the reference `clipGradNorm`.
  static func reference(
    _ train: @escaping (any Module, any Optimizer, [Batch], Int, LossFunction, Double, GradNormClipper) throws
      -> [StepRecord]
  ) -> AccumulationClippingCode {
    AccumulationClippingCode(trainWithAccumulationAndClipping: train)
  }
}

enum WrongAccumulationClipping {
  static func validate(_ accumulationSteps: Int, _ maxNorm: Double) throws {
    guard accumulationSteps >= 1 else {
      throw WorkbookError.invalidArgument(
        function: "trainWithAccumulationAndClipping",
        detail: "accumulationSteps must be at least 1, got \(accumulationSteps)")
    }
    guard maxNorm >= 0 else {
      throw WorkbookError.invalidArgument(
        function: "trainWithAccumulationAndClipping", detail: "maxNorm must be ≥ 0, got \(maxNorm)")
    }
  }

  static func clipEachMicroBatch(
    model: any Module, optimizer: any Optimizer, microBatches: [Batch],
    accumulationSteps: Int, lossFunction: LossFunction, maxNorm: Double, clipGradNorm: GradNormClipper
  ) throws -> [StepRecord] {
    try validate(accumulationSteps, maxNorm)
    var records: [StepRecord] = []
    optimizer.zeroGrad()
    for start in stride(from: 0, to: microBatches.count, by: accumulationSteps) {
      let window = microBatches[start..<min(start + accumulationSteps, microBatches.count)]
      let windowSamples = window.reduce(0) { $0 + $1.count }
      var windowLoss = 0.0
      var norm = 0.0
      for batch in window {
        let loss = try lossFunction(model(batch.inputs), batch.targets)
        let weight = Double(batch.count) / Double(windowSamples)
        try (loss * weight).backward()
        windowLoss += loss.item() * weight
        // BUG: clipping each partial sum, as a plain training step would.
        norm = try clipGradNorm(model.parameters(), maxNorm: maxNorm)
      }
      optimizer.step()
      optimizer.zeroGrad()
      records.append(StepRecord(loss: windowLoss, gradNorm: norm))
    }
    return records
  }

  static func clipAfterStep(
    model: any Module, optimizer: any Optimizer, microBatches: [Batch],
    accumulationSteps: Int, lossFunction: LossFunction, maxNorm: Double, clipGradNorm: GradNormClipper
  ) throws -> [StepRecord] {
    try validate(accumulationSteps, maxNorm)
    var records: [StepRecord] = []
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
      optimizer.step()
      // BUG: the step has already used the unclipped gradient.
      let norm = try clipGradNorm(model.parameters(), maxNorm: maxNorm)
      optimizer.zeroGrad()
      records.append(StepRecord(loss: windowLoss, gradNorm: norm))
    }
    return records
  }

  static func clipBeforeLastBackward(
    model: any Module, optimizer: any Optimizer, microBatches: [Batch],
    accumulationSteps: Int, lossFunction: LossFunction, maxNorm: Double, clipGradNorm: GradNormClipper
  ) throws -> [StepRecord] {
    try validate(accumulationSteps, maxNorm)
    var records: [StepRecord] = []
    optimizer.zeroGrad()
    for start in stride(from: 0, to: microBatches.count, by: accumulationSteps) {
      let window = microBatches[start..<min(start + accumulationSteps, microBatches.count)]
      let windowSamples = window.reduce(0) { $0 + $1.count }
      var windowLoss = 0.0
      var norm = 0.0
      for (i, batch) in window.enumerated() {
        let loss = try lossFunction(model(batch.inputs), batch.targets)
        let weight = Double(batch.count) / Double(windowSamples)
        // BUG: "clip once, at the end of the window", but one line too
        // early: the last micro-batch's gradient is added unclipped.
        if i == window.count - 1 {
          norm = try clipGradNorm(model.parameters(), maxNorm: maxNorm)
        }
        try (loss * weight).backward()
        windowLoss += loss.item() * weight
      }
      optimizer.step()
      optimizer.zeroGrad()
      records.append(StepRecord(loss: windowLoss, gradNorm: norm))
    }
    return records
  }

  static func recordsClippedNorm(
    model: any Module, optimizer: any Optimizer, microBatches: [Batch],
    accumulationSteps: Int, lossFunction: LossFunction, maxNorm: Double, clipGradNorm: GradNormClipper
  ) throws -> [StepRecord] {
    try validate(accumulationSteps, maxNorm)
    var records: [StepRecord] = []
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
      try clipGradNorm(model.parameters(), maxNorm: maxNorm)
      // BUG: measured after clipping, so it never shows how large it was.
      let norm = try Reference.gradNorm(model.parameters())
      optimizer.step()
      optimizer.zeroGrad()
      records.append(StepRecord(loss: windowLoss, gradNorm: norm))
    }
    return records
  }

  static func lossNotDivided(
    model: any Module, optimizer: any Optimizer, microBatches: [Batch],
    accumulationSteps: Int, lossFunction: LossFunction, maxNorm: Double, clipGradNorm: GradNormClipper
  ) throws -> [StepRecord] {
    try validate(accumulationSteps, maxNorm)
    var records: [StepRecord] = []
    optimizer.zeroGrad()
    for start in stride(from: 0, to: microBatches.count, by: accumulationSteps) {
      let window = microBatches[start..<min(start + accumulationSteps, microBatches.count)]
      let windowSamples = window.reduce(0) { $0 + $1.count }
      var windowLoss = 0.0
      for batch in window {
        let loss = try lossFunction(model(batch.inputs), batch.targets)
        let weight = Double(batch.count) / Double(windowSamples)
        // BUG: backward() on the unscaled micro-batch mean.
        try loss.backward()
        windowLoss += loss.item() * weight
      }
      let norm = try clipGradNorm(model.parameters(), maxNorm: maxNorm)
      optimizer.step()
      optimizer.zeroGrad()
      records.append(StepRecord(loss: windowLoss, gradNorm: norm))
    }
    return records
  }

  static func zeroGradInsideWindow(
    model: any Module, optimizer: any Optimizer, microBatches: [Batch],
    accumulationSteps: Int, lossFunction: LossFunction, maxNorm: Double, clipGradNorm: GradNormClipper
  ) throws -> [StepRecord] {
    try validate(accumulationSteps, maxNorm)
    var records: [StepRecord] = []
    optimizer.zeroGrad()
    for start in stride(from: 0, to: microBatches.count, by: accumulationSteps) {
      let window = microBatches[start..<min(start + accumulationSteps, microBatches.count)]
      let windowSamples = window.reduce(0) { $0 + $1.count }
      var windowLoss = 0.0
      for batch in window {
        // BUG: erases the window's earlier micro-batches.
        optimizer.zeroGrad()
        let loss = try lossFunction(model(batch.inputs), batch.targets)
        let weight = Double(batch.count) / Double(windowSamples)
        try (loss * weight).backward()
        windowLoss += loss.item() * weight
      }
      let norm = try clipGradNorm(model.parameters(), maxNorm: maxNorm)
      optimizer.step()
      optimizer.zeroGrad()
      records.append(StepRecord(loss: windowLoss, gradNorm: norm))
    }
    return records
  }

  static func noZeroGradAfterStep(
    model: any Module, optimizer: any Optimizer, microBatches: [Batch],
    accumulationSteps: Int, lossFunction: LossFunction, maxNorm: Double, clipGradNorm: GradNormClipper
  ) throws -> [StepRecord] {
    try validate(accumulationSteps, maxNorm)
    var records: [StepRecord] = []
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
      let norm = try clipGradNorm(model.parameters(), maxNorm: maxNorm)
      // BUG: no zeroGrad() after the step; the clipped gradient stays.
      optimizer.step()
      records.append(StepRecord(loss: windowLoss, gradNorm: norm))
    }
    return records
  }

  static func dividedBySteps(
    model: any Module, optimizer: any Optimizer, microBatches: [Batch],
    accumulationSteps: Int, lossFunction: LossFunction, maxNorm: Double, clipGradNorm: GradNormClipper
  ) throws -> [StepRecord] {
    try validate(accumulationSteps, maxNorm)
    var records: [StepRecord] = []
    optimizer.zeroGrad()
    for start in stride(from: 0, to: microBatches.count, by: accumulationSteps) {
      let window = microBatches[start..<min(start + accumulationSteps, microBatches.count)]
      var windowLoss = 0.0
      for batch in window {
        let loss = try lossFunction(model(batch.inputs), batch.targets)
        // BUG: 1 / accumulationSteps, also in a shorter last window.
        let weight = 1 / Double(accumulationSteps)
        try (loss * weight).backward()
        windowLoss += loss.item() * weight
      }
      let norm = try clipGradNorm(model.parameters(), maxNorm: maxNorm)
      optimizer.step()
      optimizer.zeroGrad()
      records.append(StepRecord(loss: windowLoss, gradNorm: norm))
    }
    return records
  }
}

extension WrongAccumulationClipping {
  static func thresholdTimesSteps(
    model: any Module, optimizer: any Optimizer, microBatches: [Batch],
    accumulationSteps: Int, lossFunction: LossFunction, maxNorm: Double, clipGradNorm: GradNormClipper
  ) throws -> [StepRecord] {
    try validate(accumulationSteps, maxNorm)
    var records: [StepRecord] = []
    optimizer.zeroGrad()
    for start in stride(from: 0, to: microBatches.count, by: accumulationSteps) {
      let window = microBatches[start..<min(start + accumulationSteps, microBatches.count)]
      let windowSamples = window.reduce(0) { $0 + $1.count }
      var windowLoss = 0.0
      for batch in window {
        let loss = try lossFunction(model(batch.inputs), batch.targets)
        // BUG: the unscaled loss: the gradient becomes the sum of the means…
        try loss.backward()
        windowLoss += loss.item() * Double(batch.count) / Double(windowSamples)
      }
      // BUG: …and a threshold k times larger, so the clipped step is exactly
      // k times the right clipped step.
      let norm = try clipGradNorm(model.parameters(), maxNorm: maxNorm * Double(accumulationSteps))
      optimizer.step()
      optimizer.zeroGrad()
      records.append(StepRecord(loss: windowLoss, gradNorm: norm / Double(accumulationSteps)))
    }
    return records
  }

  static func validatesMaxNormLate(
    model: any Module, optimizer: any Optimizer, microBatches: [Batch],
    accumulationSteps: Int, lossFunction: LossFunction, maxNorm: Double, clipGradNorm: GradNormClipper
  ) throws -> [StepRecord] {
    // BUG: maxNorm is not checked here; clipGradNorm throws for a negative
    // one only after the first window's backward() has filled .grad.
    guard accumulationSteps >= 1 else {
      throw WorkbookError.invalidArgument(
        function: "trainWithAccumulationAndClipping",
        detail: "accumulationSteps must be at least 1, got \(accumulationSteps)")
    }
    var records: [StepRecord] = []
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
      let norm = try clipGradNorm(model.parameters(), maxNorm: maxNorm)
      optimizer.step()
      optimizer.zeroGrad()
      records.append(StepRecord(loss: windowLoss, gradNorm: norm))
    }
    return records
  }
}

extension WrongAccumulationClipping {
  static func oneBackwardPerWindow(
    model: any Module, optimizer: any Optimizer, microBatches: [Batch],
    accumulationSteps: Int, lossFunction: LossFunction, maxNorm: Double, clipGradNorm: GradNormClipper
  ) throws -> [StepRecord] {
    try validate(accumulationSteps, maxNorm)
    var records: [StepRecord] = []
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
      let norm = try clipGradNorm(model.parameters(), maxNorm: maxNorm)
      optimizer.step()
      optimizer.zeroGrad()
      records.append(StepRecord(loss: windowLoss.item(), gradNorm: norm))
    }
    return records
  }
}
