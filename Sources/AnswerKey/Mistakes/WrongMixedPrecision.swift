import Autograd
import Contract
import Datasets
import Judge

// Exercise 5 with one bug each: the reference loop (or one of its two
// pieces), copied, with the changed lines marked `// BUG:`. Each is what a
// student translating PyTorch's GradScaler recipe plausibly writes: the
// order of unscale and clip, where the overflow is looked for, when the
// scaler and the schedule are stepped.

extension KnownMistake {
  static let clipBeforeUnscale = KnownMistake(
    "clipBeforeUnscale", .clipBeforeUnscale, "clipGradNorm runs on the scaled gradients, before unscaleGradients",
    ex5: .reference(WrongMixedPrecision.clipBeforeUnscale))

  static let unscalePerMicroBatch = KnownMistake(
    "unscalePerMicroBatch", .unscalePerMicroBatch, "unscaleGradients runs after every micro-batch's backward(), dividing the earlier micro-batches' share again",
    ex5: .reference(WrongMixedPrecision.unscalePerMicroBatch))

  static let stepDespiteOverflow = KnownMistake(
    "stepDespiteOverflow", .stepDespiteOverflow,
    "optimizer.step() runs without looking at foundInf (the scale still backs off)",
    ex5: .reference(WrongMixedPrecision.stepDespiteOverflow))

  static let infCheckOnLossOnly = KnownMistake(
    "infCheckOnLossOnly", .infCheckOnLossOnly, "the loop looks for an overflow in the scaled loss only, not in the gradients",
    ex5: .reference(WrongMixedPrecision.infCheckOnLossOnly))

  static let infCheckAfterClip = KnownMistake(
    "infCheckAfterClip", .infCheckAfterClip, "the gradients are checked with .isInfinite after clipGradNorm, which has turned every inf into NaN",
    ex5: .reference(WrongMixedPrecision.infCheckAfterClip))

  static let scaleNeverUpdated = KnownMistake(
    "scaleNeverUpdated", .scaleNeverUpdated, "updateScale is never called, so the scale stays at its initial value",
    ex5: .reference(WrongMixedPrecision.scaleNeverUpdated))

  static let scaleUpdatedPerMicroBatch = KnownMistake(
    "scaleUpdatedPerMicroBatch", .scaleUpdatedPerMicroBatch,
    "updateScale runs after every micro-batch's backward(), with the gradients so far",
    ex5: .reference(WrongMixedPrecision.scaleUpdatedPerMicroBatch))

  static let growthWithoutTrackerReset = KnownMistake(
    "growthWithoutTrackerReset", .growthWithoutTrackerReset,
    "updateScale grows the scale when the tracker reaches growthInterval (≥) and never resets the tracker, so it grows again at every later step",
    ex5: .reference(unscaleGradients: Reference.code.ex5.unscaleGradients, updateScale: WrongMixedPrecision.growthWithoutReset),
    function: "updateScale")

  static let growthOnceWithoutTrackerReset = KnownMistake(
    "growthWithoutTrackerReset (grows once)", .growthWithoutTrackerReset,
    "updateScale grows the scale when the tracker equals growthInterval and never resets the tracker, so it never grows again",
    ex5: .reference(unscaleGradients: Reference.code.ex5.unscaleGradients, updateScale: WrongMixedPrecision.growthOnce),
    function: "updateScale")

  static let unscaleTwice = KnownMistake(
    "unscaleWrongWay (divided twice)", .unscaleWrongWay,
    "unscaleGradients divides, then divides again in the pass that looks for inf",
    ex5: .reference(unscaleGradients: WrongMixedPrecision.unscaleTwice, updateScale: Reference.code.ex5.updateScale),
    function: "unscaleGradients")

  static let multiplyWhenUnscaling = KnownMistake(
    "unscaleWrongWay (multiplied)", .unscaleWrongWay, "unscaleGradients divides by 1 / scale, which multiplies by the scale",
    ex5: .reference(
      unscaleGradients: WrongMixedPrecision.divideByInverse, updateScale: Reference.code.ex5.updateScale),
    function: "unscaleGradients")

  static let schedulerPerMicroBatch = KnownMistake(
    "schedulerPerMicroBatch", .schedulerPerMicroBatch, "scheduler.step() runs after every micro-batch's backward(), not once per step taken",
    ex5: .reference(WrongMixedPrecision.schedulerPerMicroBatch))

  static let scheduleAdvancedOnSkip = KnownMistake(
    "scheduleAdvancedOnSkip", .scheduleAdvancedOnSkip,
    "scheduler.step() runs on every window, as PyTorch's usual loop does, also when the step was skipped",
    ex5: .reference(WrongMixedPrecision.scheduleAdvancedOnSkip))

  static let noZeroGradAfterSkip = KnownMistake(
    "noZeroGradAfterSkip", .noZeroGradAfterSkip, "optimizer.zeroGrad() runs only inside `if !foundInf`, so a skipped window's overflowed gradients stay in .grad",
    ex5: .reference(WrongMixedPrecision.noZeroGradAfterSkip))

  static let scaleAfterBackward = KnownMistake(
    "scaleAfterBackward", .scaleAfterBackward,
    "backward() runs on the unscaled loss and the gradients are multiplied by the scale afterwards, too late for "
      + "what float16 already rounded to 0",
    ex5: .reference(WrongMixedPrecision.scaleAfterBackward))

  static let oneBackwardPerWindowScaled = KnownMistake(
    "oneBackwardPerWindow (scaled)", .oneBackwardPerWindow,
    "the window's scaled losses are summed into one tensor and backward() runs once for the window",
    ex5: .reference(WrongMixedPrecision.oneBackwardPerWindow))
}

/// The shape of exercise 5's loop.
typealias MixedPrecisionLoop = (
  any Module, any Optimizer, LinearWarmup, [Batch], Int, LossFunction, Double, inout LossScale, GradNormClipper
) throws -> [MixedPrecisionRecord]

extension MixedPrecisionCode {
  /// The reference's unscaleGradients and updateScale, with `loop`.
  static func reference(_ loop: @escaping MixedPrecisionLoop) -> MixedPrecisionCode {
    MixedPrecisionCode(
      unscaleGradients: Reference.code.ex5.unscaleGradients, updateScale: Reference.code.ex5.updateScale,
      trainWithMixedPrecision: loop)
  }

  /// These two pieces, and the reference loop calling them, as a
  /// student's loop calls their own.
  static func reference(
    unscaleGradients: @escaping ([Tensor], Double) throws -> Bool,
    updateScale: @escaping (inout LossScale, Bool) throws -> Void
  ) -> MixedPrecisionCode {
    MixedPrecisionCode(
      unscaleGradients: unscaleGradients, updateScale: updateScale,
      trainWithMixedPrecision: WrongMixedPrecision.referenceLoop(unscaleGradients, updateScale))
  }
}

enum WrongMixedPrecision {
  static func validate(_ accumulationSteps: Int, _ maxNorm: Double) throws {
    guard accumulationSteps >= 1 else {
      throw WorkbookError.invalidArgument(
        function: "trainWithMixedPrecision", detail: "accumulationSteps must be at least 1, got \(accumulationSteps)")
    }
    guard maxNorm >= 0 else {
      throw WorkbookError.invalidArgument(function: "trainWithMixedPrecision", detail: "maxNorm must be ≥ 0, got \(maxNorm)")
    }
  }

  /// The reference loop, calling `unscaleGradients` and `updateScale`.
  static func referenceLoop(
    _ unscaleGradients: @escaping ([Tensor], Double) throws -> Bool,
    _ updateScale: @escaping (inout LossScale, Bool) throws -> Void
  ) -> MixedPrecisionLoop {
    { model, optimizer, scheduler, microBatches, accumulationSteps, lossFunction, maxNorm, lossScale, clipGradNorm in
      try validate(accumulationSteps, maxNorm)
      var records: [MixedPrecisionRecord] = []
      optimizer.zeroGrad()
      for start in stride(from: 0, to: microBatches.count, by: accumulationSteps) {
        let window = microBatches[start..<min(start + accumulationSteps, microBatches.count)]
        let windowSamples = window.reduce(0) { $0 + $1.count }
        let scale = lossScale.scale
        var windowLoss = 0.0
        for batch in window {
          let loss = try lossFunction(model(batch.inputs), batch.targets)
          let weight = Double(batch.count) / Double(windowSamples)
          try (loss * (weight * scale)).backward()
          windowLoss += loss.item() * weight
        }
        let foundInf = try unscaleGradients(model.parameters(), scale)
        let norm = try clipGradNorm(model.parameters(), maxNorm: maxNorm)
        if !foundInf { optimizer.step() }
        try updateScale(&lossScale, foundInf)
        optimizer.zeroGrad()
        if !foundInf { scheduler.step() }
        records.append(MixedPrecisionRecord(loss: windowLoss, gradNorm: norm, stepped: !foundInf, scale: scale))
      }
      return records
    }
  }

  // MARK: The pieces

  static func growthWithoutReset(_ lossScale: inout LossScale, foundInf: Bool) throws {
    guard lossScale.scale.isFinite, lossScale.scale > 0 else {
      throw WorkbookError.invalidArgument(
        function: "updateScale", detail: "the scale must be finite and > 0, got \(lossScale.scale)")
    }
    if foundInf {
      lossScale.scale *= lossScale.backoffFactor
      lossScale.growthTracker = 0
      return
    }
    lossScale.growthTracker += 1
    // BUG: grown, but the tracker is not reset: it stays ≥ growthInterval,
    // so every later clean step grows the scale again.
    if lossScale.growthTracker >= lossScale.growthInterval {
      lossScale.scale *= lossScale.growthFactor
    }
  }

  static func growthOnce(_ lossScale: inout LossScale, foundInf: Bool) throws {
    guard lossScale.scale.isFinite, lossScale.scale > 0 else {
      throw WorkbookError.invalidArgument(
        function: "updateScale", detail: "the scale must be finite and > 0, got \(lossScale.scale)")
    }
    if foundInf {
      lossScale.scale *= lossScale.backoffFactor
      lossScale.growthTracker = 0
      return
    }
    lossScale.growthTracker += 1
    // BUG: grown, but the tracker is not reset: it counts past
    // growthInterval and never equals it again.
    if lossScale.growthTracker == lossScale.growthInterval {
      lossScale.scale *= lossScale.growthFactor
    }
  }

  static func unscaleTwice(_ parameters: [Tensor], scale: Double) throws -> Bool {
    guard scale.isFinite, scale > 0 else {
      throw WorkbookError.invalidArgument(function: "unscaleGradients", detail: "scale must be finite and > 0, got \(scale)")
    }
    for p in parameters {
      guard let g = p.grad else { continue }
      g.data = g.data.map { $0 / scale }
    }
    var foundInf = false
    for p in parameters {
      guard let g = p.grad else { continue }
      // BUG: the first pass, copied to look for inf, divides again.
      g.data = g.data.map { $0 / scale }
      if g.data.contains(where: { !$0.isFinite }) { foundInf = true }
    }
    return foundInf
  }

  static func divideByInverse(_ parameters: [Tensor], scale: Double) throws -> Bool {
    guard scale.isFinite, scale > 0 else {
      throw WorkbookError.invalidArgument(function: "unscaleGradients", detail: "scale must be finite and > 0, got \(scale)")
    }
    let inverse = 1 / scale
    var foundInf = false
    for p in parameters {
      guard let g = p.grad else { continue }
      // BUG: PyTorch's inv_scale, but divided by: multiplies by the scale.
      g.data = g.data.map { $0 / inverse }
      if g.data.contains(where: { !$0.isFinite }) { foundInf = true }
    }
    return foundInf
  }

  // MARK: Where the overflow is looked for

  static func clipBeforeUnscale(
    model: any Module, optimizer: any Optimizer, scheduler: LinearWarmup, microBatches: [Batch],
    accumulationSteps: Int, lossFunction: LossFunction, maxNorm: Double, lossScale: inout LossScale,
    clipGradNorm: GradNormClipper
  ) throws -> [MixedPrecisionRecord] {
    try validate(accumulationSteps, maxNorm)
    var records: [MixedPrecisionRecord] = []
    optimizer.zeroGrad()
    for start in stride(from: 0, to: microBatches.count, by: accumulationSteps) {
      let window = microBatches[start..<min(start + accumulationSteps, microBatches.count)]
      let windowSamples = window.reduce(0) { $0 + $1.count }
      let scale = lossScale.scale
      var windowLoss = 0.0
      for batch in window {
        let loss = try lossFunction(model(batch.inputs), batch.targets)
        let weight = Double(batch.count) / Double(windowSamples)
        try (loss * (weight * scale)).backward()
        windowLoss += loss.item() * weight
      }
      // BUG: clipped while still `scale` times too large, then unscaled:
      // the threshold was in effect maxNorm / scale.
      let norm = try clipGradNorm(model.parameters(), maxNorm: maxNorm)
      let foundInf = try Reference.unscaleGradients(model.parameters(), scale: scale)
      if !foundInf { optimizer.step() }
      try Reference.updateScale(&lossScale, foundInf: foundInf)
      optimizer.zeroGrad()
      if !foundInf { scheduler.step() }
      records.append(MixedPrecisionRecord(loss: windowLoss, gradNorm: norm, stepped: !foundInf, scale: scale))
    }
    return records
  }

  static func unscalePerMicroBatch(
    model: any Module, optimizer: any Optimizer, scheduler: LinearWarmup, microBatches: [Batch],
    accumulationSteps: Int, lossFunction: LossFunction, maxNorm: Double, lossScale: inout LossScale,
    clipGradNorm: GradNormClipper
  ) throws -> [MixedPrecisionRecord] {
    try validate(accumulationSteps, maxNorm)
    var records: [MixedPrecisionRecord] = []
    optimizer.zeroGrad()
    for start in stride(from: 0, to: microBatches.count, by: accumulationSteps) {
      let window = microBatches[start..<min(start + accumulationSteps, microBatches.count)]
      let windowSamples = window.reduce(0) { $0 + $1.count }
      let scale = lossScale.scale
      var windowLoss = 0.0
      var foundInf = false
      for batch in window {
        let loss = try lossFunction(model(batch.inputs), batch.targets)
        let weight = Double(batch.count) / Double(windowSamples)
        try (loss * (weight * scale)).backward()
        windowLoss += loss.item() * weight
        // BUG: unscaled after every backward(): the sum so far is divided
        // again each time, the first micro-batch's share k times.
        if try Reference.unscaleGradients(model.parameters(), scale: scale) { foundInf = true }
      }
      let norm = try clipGradNorm(model.parameters(), maxNorm: maxNorm)
      if !foundInf { optimizer.step() }
      try Reference.updateScale(&lossScale, foundInf: foundInf)
      optimizer.zeroGrad()
      if !foundInf { scheduler.step() }
      records.append(MixedPrecisionRecord(loss: windowLoss, gradNorm: norm, stepped: !foundInf, scale: scale))
    }
    return records
  }

  static func stepDespiteOverflow(
    model: any Module, optimizer: any Optimizer, scheduler: LinearWarmup, microBatches: [Batch],
    accumulationSteps: Int, lossFunction: LossFunction, maxNorm: Double, lossScale: inout LossScale,
    clipGradNorm: GradNormClipper
  ) throws -> [MixedPrecisionRecord] {
    try validate(accumulationSteps, maxNorm)
    var records: [MixedPrecisionRecord] = []
    optimizer.zeroGrad()
    for start in stride(from: 0, to: microBatches.count, by: accumulationSteps) {
      let window = microBatches[start..<min(start + accumulationSteps, microBatches.count)]
      let windowSamples = window.reduce(0) { $0 + $1.count }
      let scale = lossScale.scale
      var windowLoss = 0.0
      for batch in window {
        let loss = try lossFunction(model(batch.inputs), batch.targets)
        let weight = Double(batch.count) / Double(windowSamples)
        try (loss * (weight * scale)).backward()
        windowLoss += loss.item() * weight
      }
      let foundInf = try Reference.unscaleGradients(model.parameters(), scale: scale)
      let norm = try clipGradNorm(model.parameters(), maxNorm: maxNorm)
      // BUG: PyTorch's scaler.step(optimizer) written as a plain step: the
      // overflow was found, but nothing skips the step.
      optimizer.step()
      try Reference.updateScale(&lossScale, foundInf: foundInf)
      optimizer.zeroGrad()
      if !foundInf { scheduler.step() }
      records.append(MixedPrecisionRecord(loss: windowLoss, gradNorm: norm, stepped: !foundInf, scale: scale))
    }
    return records
  }

  static func infCheckOnLossOnly(
    model: any Module, optimizer: any Optimizer, scheduler: LinearWarmup, microBatches: [Batch],
    accumulationSteps: Int, lossFunction: LossFunction, maxNorm: Double, lossScale: inout LossScale,
    clipGradNorm: GradNormClipper
  ) throws -> [MixedPrecisionRecord] {
    try validate(accumulationSteps, maxNorm)
    var records: [MixedPrecisionRecord] = []
    optimizer.zeroGrad()
    for start in stride(from: 0, to: microBatches.count, by: accumulationSteps) {
      let window = microBatches[start..<min(start + accumulationSteps, microBatches.count)]
      let windowSamples = window.reduce(0) { $0 + $1.count }
      let scale = lossScale.scale
      var windowLoss = 0.0
      var foundInf = false
      for batch in window {
        let loss = try lossFunction(model(batch.inputs), batch.targets)
        let weight = Double(batch.count) / Double(windowSamples)
        let scaledLoss = try loss * (weight * scale)
        try scaledLoss.backward()
        windowLoss += loss.item() * weight
        // BUG: only the scaled loss is looked at; a finite loss can still
        // give gradients that overflow half precision.
        if !scaledLoss.item().isFinite { foundInf = true }
      }
      _ = try Reference.unscaleGradients(model.parameters(), scale: scale)
      let norm = try clipGradNorm(model.parameters(), maxNorm: maxNorm)
      if !foundInf { optimizer.step() }
      try Reference.updateScale(&lossScale, foundInf: foundInf)
      optimizer.zeroGrad()
      if !foundInf { scheduler.step() }
      records.append(MixedPrecisionRecord(loss: windowLoss, gradNorm: norm, stepped: !foundInf, scale: scale))
    }
    return records
  }

  static func infCheckAfterClip(
    model: any Module, optimizer: any Optimizer, scheduler: LinearWarmup, microBatches: [Batch],
    accumulationSteps: Int, lossFunction: LossFunction, maxNorm: Double, lossScale: inout LossScale,
    clipGradNorm: GradNormClipper
  ) throws -> [MixedPrecisionRecord] {
    try validate(accumulationSteps, maxNorm)
    var records: [MixedPrecisionRecord] = []
    optimizer.zeroGrad()
    for start in stride(from: 0, to: microBatches.count, by: accumulationSteps) {
      let window = microBatches[start..<min(start + accumulationSteps, microBatches.count)]
      let windowSamples = window.reduce(0) { $0 + $1.count }
      let scale = lossScale.scale
      var windowLoss = 0.0
      for batch in window {
        let loss = try lossFunction(model(batch.inputs), batch.targets)
        let weight = Double(batch.count) / Double(windowSamples)
        try (loss * (weight * scale)).backward()
        windowLoss += loss.item() * weight
      }
      _ = try Reference.unscaleGradients(model.parameters(), scale: scale)
      let norm = try clipGradNorm(model.parameters(), maxNorm: maxNorm)
      // BUG: looked for after clipping: an infinite norm made the factor
      // 0, and inf × 0 is NaN, so .isInfinite finds nothing.
      let foundInf = model.parameters().contains { $0.grad?.data.contains(where: \.isInfinite) ?? false }
      if !foundInf { optimizer.step() }
      try Reference.updateScale(&lossScale, foundInf: foundInf)
      optimizer.zeroGrad()
      if !foundInf { scheduler.step() }
      records.append(MixedPrecisionRecord(loss: windowLoss, gradNorm: norm, stepped: !foundInf, scale: scale))
    }
    return records
  }
}

// MARK: When the scaler, the schedule and zeroGrad are stepped

extension WrongMixedPrecision {
  static func scaleNeverUpdated(
    model: any Module, optimizer: any Optimizer, scheduler: LinearWarmup, microBatches: [Batch],
    accumulationSteps: Int, lossFunction: LossFunction, maxNorm: Double, lossScale: inout LossScale,
    clipGradNorm: GradNormClipper
  ) throws -> [MixedPrecisionRecord] {
    try validate(accumulationSteps, maxNorm)
    var records: [MixedPrecisionRecord] = []
    optimizer.zeroGrad()
    for start in stride(from: 0, to: microBatches.count, by: accumulationSteps) {
      let window = microBatches[start..<min(start + accumulationSteps, microBatches.count)]
      let windowSamples = window.reduce(0) { $0 + $1.count }
      let scale = lossScale.scale
      var windowLoss = 0.0
      for batch in window {
        let loss = try lossFunction(model(batch.inputs), batch.targets)
        let weight = Double(batch.count) / Double(windowSamples)
        try (loss * (weight * scale)).backward()
        windowLoss += loss.item() * weight
      }
      let foundInf = try Reference.unscaleGradients(model.parameters(), scale: scale)
      let norm = try clipGradNorm(model.parameters(), maxNorm: maxNorm)
      if !foundInf { optimizer.step() }
      // BUG: no updateScale: the scale never backs off or grows.
      optimizer.zeroGrad()
      if !foundInf { scheduler.step() }
      records.append(MixedPrecisionRecord(loss: windowLoss, gradNorm: norm, stepped: !foundInf, scale: scale))
    }
    return records
  }

  static func scaleUpdatedPerMicroBatch(
    model: any Module, optimizer: any Optimizer, scheduler: LinearWarmup, microBatches: [Batch],
    accumulationSteps: Int, lossFunction: LossFunction, maxNorm: Double, lossScale: inout LossScale,
    clipGradNorm: GradNormClipper
  ) throws -> [MixedPrecisionRecord] {
    try validate(accumulationSteps, maxNorm)
    var records: [MixedPrecisionRecord] = []
    optimizer.zeroGrad()
    for start in stride(from: 0, to: microBatches.count, by: accumulationSteps) {
      let window = microBatches[start..<min(start + accumulationSteps, microBatches.count)]
      let windowSamples = window.reduce(0) { $0 + $1.count }
      let scale = lossScale.scale
      var windowLoss = 0.0
      for batch in window {
        let loss = try lossFunction(model(batch.inputs), batch.targets)
        let weight = Double(batch.count) / Double(windowSamples)
        try (loss * (weight * scale)).backward()
        windowLoss += loss.item() * weight
        // BUG: the scaler is told about every backward(), as in a loop
        // without accumulation: it counts k clean steps per window.
        let overflowed = model.parameters().contains { $0.grad?.data.contains { !$0.isFinite } ?? false }
        try Reference.updateScale(&lossScale, foundInf: overflowed)
      }
      let foundInf = try Reference.unscaleGradients(model.parameters(), scale: scale)
      let norm = try clipGradNorm(model.parameters(), maxNorm: maxNorm)
      if !foundInf { optimizer.step() }
      optimizer.zeroGrad()
      if !foundInf { scheduler.step() }
      records.append(MixedPrecisionRecord(loss: windowLoss, gradNorm: norm, stepped: !foundInf, scale: scale))
    }
    return records
  }

  static func schedulerPerMicroBatch(
    model: any Module, optimizer: any Optimizer, scheduler: LinearWarmup, microBatches: [Batch],
    accumulationSteps: Int, lossFunction: LossFunction, maxNorm: Double, lossScale: inout LossScale,
    clipGradNorm: GradNormClipper
  ) throws -> [MixedPrecisionRecord] {
    try validate(accumulationSteps, maxNorm)
    var records: [MixedPrecisionRecord] = []
    optimizer.zeroGrad()
    for start in stride(from: 0, to: microBatches.count, by: accumulationSteps) {
      let window = microBatches[start..<min(start + accumulationSteps, microBatches.count)]
      let windowSamples = window.reduce(0) { $0 + $1.count }
      let scale = lossScale.scale
      var windowLoss = 0.0
      for batch in window {
        let loss = try lossFunction(model(batch.inputs), batch.targets)
        let weight = Double(batch.count) / Double(windowSamples)
        try (loss * (weight * scale)).backward()
        windowLoss += loss.item() * weight
        // BUG: stepped once per batch from the data, as in a loop without
        // accumulation: the warmup runs k times too fast.
        scheduler.step()
      }
      let foundInf = try Reference.unscaleGradients(model.parameters(), scale: scale)
      let norm = try clipGradNorm(model.parameters(), maxNorm: maxNorm)
      if !foundInf { optimizer.step() }
      try Reference.updateScale(&lossScale, foundInf: foundInf)
      optimizer.zeroGrad()
      records.append(MixedPrecisionRecord(loss: windowLoss, gradNorm: norm, stepped: !foundInf, scale: scale))
    }
    return records
  }

  static func scheduleAdvancedOnSkip(
    model: any Module, optimizer: any Optimizer, scheduler: LinearWarmup, microBatches: [Batch],
    accumulationSteps: Int, lossFunction: LossFunction, maxNorm: Double, lossScale: inout LossScale,
    clipGradNorm: GradNormClipper
  ) throws -> [MixedPrecisionRecord] {
    try validate(accumulationSteps, maxNorm)
    var records: [MixedPrecisionRecord] = []
    optimizer.zeroGrad()
    for start in stride(from: 0, to: microBatches.count, by: accumulationSteps) {
      let window = microBatches[start..<min(start + accumulationSteps, microBatches.count)]
      let windowSamples = window.reduce(0) { $0 + $1.count }
      let scale = lossScale.scale
      var windowLoss = 0.0
      for batch in window {
        let loss = try lossFunction(model(batch.inputs), batch.targets)
        let weight = Double(batch.count) / Double(windowSamples)
        try (loss * (weight * scale)).backward()
        windowLoss += loss.item() * weight
      }
      let foundInf = try Reference.unscaleGradients(model.parameters(), scale: scale)
      let norm = try clipGradNorm(model.parameters(), maxNorm: maxNorm)
      if !foundInf { optimizer.step() }
      try Reference.updateScale(&lossScale, foundInf: foundInf)
      optimizer.zeroGrad()
      // BUG: PyTorch's usual idiom, stepped every window: a skipped window,
      // which made no update, still moves the warmup on.
      scheduler.step()
      records.append(MixedPrecisionRecord(loss: windowLoss, gradNorm: norm, stepped: !foundInf, scale: scale))
    }
    return records
  }

  static func noZeroGradAfterSkip(
    model: any Module, optimizer: any Optimizer, scheduler: LinearWarmup, microBatches: [Batch],
    accumulationSteps: Int, lossFunction: LossFunction, maxNorm: Double, lossScale: inout LossScale,
    clipGradNorm: GradNormClipper
  ) throws -> [MixedPrecisionRecord] {
    try validate(accumulationSteps, maxNorm)
    var records: [MixedPrecisionRecord] = []
    optimizer.zeroGrad()
    for start in stride(from: 0, to: microBatches.count, by: accumulationSteps) {
      let window = microBatches[start..<min(start + accumulationSteps, microBatches.count)]
      let windowSamples = window.reduce(0) { $0 + $1.count }
      let scale = lossScale.scale
      var windowLoss = 0.0
      for batch in window {
        let loss = try lossFunction(model(batch.inputs), batch.targets)
        let weight = Double(batch.count) / Double(windowSamples)
        try (loss * (weight * scale)).backward()
        windowLoss += loss.item() * weight
      }
      let foundInf = try Reference.unscaleGradients(model.parameters(), scale: scale)
      let norm = try clipGradNorm(model.parameters(), maxNorm: maxNorm)
      if !foundInf {
        optimizer.step()
        // BUG: zeroGrad() only after a step taken: a skipped window's inf
        // stays in .grad, and every later window overflows with it.
        optimizer.zeroGrad()
        scheduler.step()
      }
      try Reference.updateScale(&lossScale, foundInf: foundInf)
      records.append(MixedPrecisionRecord(loss: windowLoss, gradNorm: norm, stepped: !foundInf, scale: scale))
    }
    return records
  }
}

extension WrongMixedPrecision {
  static func scaleAfterBackward(
    model: any Module, optimizer: any Optimizer, scheduler: LinearWarmup, microBatches: [Batch],
    accumulationSteps: Int, lossFunction: LossFunction, maxNorm: Double, lossScale: inout LossScale,
    clipGradNorm: GradNormClipper
  ) throws -> [MixedPrecisionRecord] {
    try validate(accumulationSteps, maxNorm)
    var records: [MixedPrecisionRecord] = []
    optimizer.zeroGrad()
    for start in stride(from: 0, to: microBatches.count, by: accumulationSteps) {
      let window = microBatches[start..<min(start + accumulationSteps, microBatches.count)]
      let windowSamples = window.reduce(0) { $0 + $1.count }
      let scale = lossScale.scale
      var windowLoss = 0.0
      for batch in window {
        let loss = try lossFunction(model(batch.inputs), batch.targets)
        let weight = Double(batch.count) / Double(windowSamples)
        try (loss * weight).backward()
        windowLoss += loss.item() * weight
      }
      // BUG: scaled after backward(): the float16 backward pass has already
      // rounded every gradient below 2⁻²⁵ to 0, and 0 × scale is 0.
      for g in model.parameters().compactMap(\.grad) { g.data = g.data.map { $0 * scale } }
      let foundInf = try Reference.unscaleGradients(model.parameters(), scale: scale)
      let norm = try clipGradNorm(model.parameters(), maxNorm: maxNorm)
      if !foundInf { optimizer.step() }
      try Reference.updateScale(&lossScale, foundInf: foundInf)
      optimizer.zeroGrad()
      if !foundInf { scheduler.step() }
      records.append(MixedPrecisionRecord(loss: windowLoss, gradNorm: norm, stepped: !foundInf, scale: scale))
    }
    return records
  }

  static func oneBackwardPerWindow(
    model: any Module, optimizer: any Optimizer, scheduler: LinearWarmup, microBatches: [Batch],
    accumulationSteps: Int, lossFunction: LossFunction, maxNorm: Double, lossScale: inout LossScale,
    clipGradNorm: GradNormClipper
  ) throws -> [MixedPrecisionRecord] {
    try validate(accumulationSteps, maxNorm)
    var records: [MixedPrecisionRecord] = []
    optimizer.zeroGrad()
    for start in stride(from: 0, to: microBatches.count, by: accumulationSteps) {
      let window = microBatches[start..<min(start + accumulationSteps, microBatches.count)]
      let windowSamples = window.reduce(0) { $0 + $1.count }
      let scale = lossScale.scale
      var windowLoss = 0.0
      var scaledSum: Tensor?
      for batch in window {
        let loss = try lossFunction(model(batch.inputs), batch.targets)
        let weight = Double(batch.count) / Double(windowSamples)
        let scaled = try loss * (weight * scale)
        scaledSum = try scaledSum.map { try $0 + scaled } ?? scaled
        windowLoss += loss.item() * weight
      }
      // BUG: one backward() for the window keeps every micro-batch's graph
      // alive until it runs: the memory is a large batch's.
      try scaledSum?.backward()
      let foundInf = try Reference.unscaleGradients(model.parameters(), scale: scale)
      let norm = try clipGradNorm(model.parameters(), maxNorm: maxNorm)
      if !foundInf { optimizer.step() }
      try Reference.updateScale(&lossScale, foundInf: foundInf)
      optimizer.zeroGrad()
      if !foundInf { scheduler.step() }
      records.append(MixedPrecisionRecord(loss: windowLoss, gradNorm: norm, stepped: !foundInf, scale: scale))
    }
    return records
  }
}
