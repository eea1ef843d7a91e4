import Autograd
import Contract
import Datasets
import Foundation
import Judge

// Exercise 1 with one bug each: the reference solution's functions, copied,
// with the changed line marked `// BUG:`.

extension KnownMistake {
  static let missingSquareRoot = KnownMistake(
    "missingSquareRoot", .missingSquareRoot, "gradNorm returns Σ g² for normType 2, without the square root",
    ex1: .measuring(with: WrongNormClipping.gradNormWithoutRoot), function: "gradNorm")

  static let wrongPNormRoot = KnownMistake(
    "wrongPNormRoot", .wrongPNormRoot, "gradNorm raises Σ |g|ᵖ to the power p instead of 1/p",
    ex1: .measuring(with: WrongNormClipping.gradNormRaisedToP), function: "gradNorm")

  static let nanLostInMax = KnownMistake(
    "nanLostInMinMax (max)", .nanLostInMinMax, "gradNorm's infinity norm uses Swift's max, which drops a NaN",
    ex1: .measuring(with: WrongNormClipping.gradNormDroppingNaN), function: "gradNorm")

  static let nanLostInMin = KnownMistake(
    "nanLostInMinMax (min)", .nanLostInMinMax, "clipGradNorm's factor is min(1, ratio), and Swift's min turns a NaN ratio into 1",
    ex1: Reference.code.ex1.replacing(clipGradNorm: WrongNormClipping.clipGradNormWithNaNFactorOne), function: "clipGradNorm")

  static let clipsWeightsNotGradients = KnownMistake(
    "clipsWeightsNotGradients", .clipsWeightsNotGradients, "clipGradNorm multiplies the parameters (p.data), not their gradients (p.grad), by the factor",
    ex1: Reference.code.ex1.replacing(clipGradNorm: WrongNormClipping.clipGradNormScalingWeights), function: "clipGradNorm")

  static let perParameterNorm = KnownMistake(
    "perParameterNorm", .perParameterNorm, "clipGradNorm scales each parameter's gradient by that parameter's own norm. That is a method of its own elsewhere (TensorFlow's tf.clip_by_norm, optax's clip_by_block_rms, adaptive clipping), but this exercise's contract is PyTorch's clip_grad_norm_: one norm over all gradients together",
    ex1: Reference.code.ex1.replacing(clipGradNorm: WrongNormClipping.clipGradNormPerParameter), function: "clipGradNorm")

  static let valueClipInsteadOfNorm = KnownMistake(
    "valueClipInsteadOfNorm", .valueClipInsteadOfNorm, "clipGradNorm clamps every entry into ±maxNorm, which is clipping by value",
    ex1: Reference.code.ex1.replacing(clipGradNorm: WrongNormClipping.clipGradNormByClamping), function: "clipGradNorm")

  static let returnsClippedNorm = KnownMistake(
    "returnsClippedNorm", .returnsClippedNorm, "clipGradNorm returns the norm measured after clipping instead of the one before",
    ex1: Reference.code.ex1.replacing(clipGradNorm: WrongNormClipping.clipGradNormReturningClippedNorm), function: "clipGradNorm")

  static let scalesUpSmallGradients = KnownMistake(
    "scalesUpSmallGradients", .scalesUpSmallGradients, "clipGradNorm multiplies by maxNorm / (norm + 1e-6) without min(1, ·), which stretches a gradient below maxNorm",
    ex1: Reference.code.ex1.replacing(clipGradNorm: WrongNormClipping.clipGradNormWithoutMin), function: "clipGradNorm")

  static let missingEpsilon = KnownMistake(
    "missingEpsilon", .missingEpsilon, "clipGradNorm's factor is min(1, maxNorm / norm), without the + 1e-6. That is TensorFlow's and optax's rule; this exercise's contract is PyTorch's, which adds 1e-6 to the norm",
    ex1: Reference.code.ex1.replacing(clipGradNorm: WrongNormClipping.clipGradNormWithoutEpsilon), function: "clipGradNorm")

  static let noZeroGradBeforeBackward = KnownMistake(
    "noZeroGradBeforeBackward", .noZeroGradBeforeBackward, "trainStep calls backward() without zeroGrad() first, so gradients left from before are added in",
    ex1: Reference.code.ex1.replacing(trainStep: WrongNormClipping.trainStepWithoutZeroGrad), function: "trainStep")

  static let trainStepReportsClippedNorm = KnownMistake(
    "returnsClippedNorm (trainStep)", .returnsClippedNorm, "trainStep records the norm measured after clipping instead of the one clipGradNorm returned",
    ex1: Reference.code.ex1.replacing(trainStep: WrongNormClipping.trainStepReportingClippedNorm), function: "trainStep")

  static let clipAfterStepInTrainStep = KnownMistake(
    "clipAtWrongTime (exercise 1)", .clipAtWrongTime, "trainStep clips after optimizer.step(), when the step has already used the unclipped gradient",
    ex1: Reference.code.ex1.replacing(trainStep: WrongNormClipping.trainStepClippingAfterStep), function: "trainStep")

  static let clipsOnlyAboveThreshold = KnownMistake(
    "clips only above maxNorm", nil,
    "clipGradNorm multiplies only when the norm is above maxNorm (`if norm > maxNorm`): it leaves the gradients "
      + "alone at exactly maxNorm, where PyTorch's factor is about 0.999999, and when the norm is NaN",
    ex1: Reference.code.ex1.replacing(clipGradNorm: WrongNormClipping.clipGradNormOnlyAbove), function: "clipGradNorm",
    alsoNamed: [.nanLostInMinMax])

  static let rejectsZeroMaxNorm = KnownMistake(
    "rejects maxNorm 0", nil, "clipGradNorm throws invalidArgument for maxNorm 0, which PyTorch accepts",
    ex1: Reference.code.ex1.replacing(clipGradNorm: WrongNormClipping.clipGradNormRejectingZero), function: "clipGradNorm")
}

extension NormClippingCode {
  /// The reference with `gradNorm` replaced, and its clipGradNorm measuring
  /// with it, as a student's clipGradNorm calls their own gradNorm.
  static func measuring(with gradNorm: @escaping (_ parameters: [Tensor], _ normType: Double) throws -> Double)
    -> NormClippingCode
  {
    var code = Reference.code.ex1
    code.gradNorm = gradNorm
    return code.replacing(clipGradNorm: WrongNormClipping.clipGradNorm(measuringWith: gradNorm))
  }

  /// This code with some of its functions replaced. A new clipGradNorm
  /// without a new trainStep comes with the reference trainStep calling
  /// it, as a student's trainStep calls their own clipGradNorm.
  func replacing(
    clipGradNorm: ((_ parameters: [Tensor], _ maxNorm: Double, _ normType: Double, _ errorIfNonfinite: Bool) throws
      -> Double)? = nil,
    trainStep: ((any Module, any Optimizer, Batch, LossFunction, Double) throws -> StepRecord)? = nil
  ) -> NormClippingCode {
    var code = self
    if let clipGradNorm {
      code.clipGradNorm = clipGradNorm
      code.trainStep = WrongNormClipping.trainStep(calling: clipGradNorm)
    }
    if let trainStep { code.trainStep = trainStep }
    return code
  }
}

enum WrongNormClipping {
  static func gradNormWithoutRoot(_ parameters: [Tensor], normType: Double = 2) throws -> Double {
    guard normType > 0 else {
      throw WorkbookError.invalidArgument(function: "gradNorm", detail: "normType must be positive, got \(normType)")
    }
    let gradients = parameters.compactMap(\.grad)
    if normType == .infinity {
      var largest = 0.0
      for g in gradients {
        for v in g.data {
          if v.isNaN { return .nan }
          largest = max(largest, abs(v))
        }
      }
      return largest
    }
    var sum = 0.0
    for g in gradients {
      for v in g.data { sum += normType == 2 ? v * v : pow(abs(v), normType) }
    }
    // BUG: the p-norm takes its root, the 2-norm forgets its square root.
    return normType == 2 ? sum : pow(sum, 1 / normType)
  }

  static func gradNormRaisedToP(_ parameters: [Tensor], normType: Double = 2) throws -> Double {
    guard normType > 0 else {
      throw WorkbookError.invalidArgument(function: "gradNorm", detail: "normType must be positive, got \(normType)")
    }
    let gradients = parameters.compactMap(\.grad)
    if normType == .infinity {
      var largest = 0.0
      for g in gradients {
        for v in g.data {
          if v.isNaN { return .nan }
          largest = max(largest, abs(v))
        }
      }
      return largest
    }
    var sum = 0.0
    for g in gradients {
      for v in g.data { sum += normType == 2 ? v * v : pow(abs(v), normType) }
    }
    // BUG: the power p again instead of the root 1/p (the same for p = 1).
    return normType == 2 ? sum.squareRoot() : pow(sum, normType)
  }

  static func gradNormDroppingNaN(_ parameters: [Tensor], normType: Double = 2) throws -> Double {
    guard normType > 0 else {
      throw WorkbookError.invalidArgument(function: "gradNorm", detail: "normType must be positive, got \(normType)")
    }
    let gradients = parameters.compactMap(\.grad)
    if normType == .infinity {
      var largest = 0.0
      for g in gradients {
        // BUG: no NaN test; max(largest, .nan) is largest, so NaN vanishes.
        for v in g.data { largest = max(largest, abs(v)) }
      }
      return largest
    }
    var sum = 0.0
    for g in gradients {
      for v in g.data { sum += normType == 2 ? v * v : pow(abs(v), normType) }
    }
    return normType == 2 ? sum.squareRoot() : pow(sum, 1 / normType)
  }

  static func clipGradNormScalingWeights(
    _ parameters: [Tensor], maxNorm: Double, normType: Double = 2, errorIfNonfinite: Bool = false
  ) throws -> Double {
    guard maxNorm >= 0 else {
      throw WorkbookError.invalidArgument(function: "clipGradNorm", detail: "maxNorm must be ≥ 0, got \(maxNorm)")
    }
    let total = try Reference.gradNorm(parameters, normType: normType)
    if errorIfNonfinite && !total.isFinite {
      throw WorkbookError.nonFiniteNorm(function: "clipGradNorm", norm: total)
    }
    let ratio = maxNorm / (total + 1e-6)
    let factor = ratio.isNaN ? ratio : min(1, ratio)
    for p in parameters where p.grad != nil {
      // BUG: the parameter's values are scaled, and its gradient is not.
      p.data = p.data.map { $0 * factor }
    }
    return total
  }

  static func clipGradNormWithNaNFactorOne(
    _ parameters: [Tensor], maxNorm: Double, normType: Double = 2, errorIfNonfinite: Bool = false
  ) throws -> Double {
    guard maxNorm >= 0 else {
      throw WorkbookError.invalidArgument(function: "clipGradNorm", detail: "maxNorm must be ≥ 0, got \(maxNorm)")
    }
    let total = try Reference.gradNorm(parameters, normType: normType)
    if errorIfNonfinite && !total.isFinite {
      throw WorkbookError.nonFiniteNorm(function: "clipGradNorm", norm: total)
    }
    // BUG: min(1, .nan) is 1, so a NaN norm leaves the gradients as they were.
    let factor = min(1, maxNorm / (total + 1e-6))
    for p in parameters {
      guard let g = p.grad else { continue }
      g.data = g.data.map { $0 * factor }
    }
    return total
  }

  /// The reference `clipGradNorm`, measuring with the student's `gradNorm`.
  static func clipGradNorm(measuringWith gradNorm: @escaping (_ parameters: [Tensor], _ normType: Double) throws -> Double)
    -> (_ parameters: [Tensor], _ maxNorm: Double, _ normType: Double, _ errorIfNonfinite: Bool) throws -> Double
  {
    { parameters, maxNorm, normType, errorIfNonfinite in
      guard maxNorm >= 0 else {
        throw WorkbookError.invalidArgument(function: "clipGradNorm", detail: "maxNorm must be ≥ 0, got \(maxNorm)")
      }
      let total = try gradNorm(parameters, normType)
      if errorIfNonfinite && !total.isFinite {
        throw WorkbookError.nonFiniteNorm(function: "clipGradNorm", norm: total)
      }
      let ratio = maxNorm / (total + 1e-6)
      let factor = ratio.isNaN ? ratio : min(1, ratio)
      for p in parameters {
        guard let g = p.grad else { continue }
        g.data = g.data.map { $0 * factor }
      }
      return total
    }
  }

  static func clipGradNormPerParameter(
    _ parameters: [Tensor], maxNorm: Double, normType: Double = 2, errorIfNonfinite: Bool = false
  ) throws -> Double {
    guard maxNorm >= 0 else {
      throw WorkbookError.invalidArgument(function: "clipGradNorm", detail: "maxNorm must be ≥ 0, got \(maxNorm)")
    }
    let total = try Reference.gradNorm(parameters, normType: normType)
    if errorIfNonfinite && !total.isFinite {
      throw WorkbookError.nonFiniteNorm(function: "clipGradNorm", norm: total)
    }
    for p in parameters {
      guard let g = p.grad else { continue }
      // BUG: each parameter's own norm decides its factor, so the
      // parameters are scaled differently and the direction changes.
      let own = try Reference.gradNorm([p], normType: normType)
      let ratio = maxNorm / (own + 1e-6)
      let factor = ratio.isNaN ? ratio : min(1, ratio)
      g.data = g.data.map { $0 * factor }
    }
    return total
  }

  static func clipGradNormByClamping(
    _ parameters: [Tensor], maxNorm: Double, normType: Double = 2, errorIfNonfinite: Bool = false
  ) throws -> Double {
    guard maxNorm >= 0 else {
      throw WorkbookError.invalidArgument(function: "clipGradNorm", detail: "maxNorm must be ≥ 0, got \(maxNorm)")
    }
    let total = try Reference.gradNorm(parameters, normType: normType)
    if errorIfNonfinite && !total.isFinite {
      throw WorkbookError.nonFiniteNorm(function: "clipGradNorm", norm: total)
    }
    for p in parameters {
      guard let g = p.grad else { continue }
      // BUG: each entry is clamped on its own, as clipGradValue does.
      g.data = g.data.map { v in v.isNaN ? v : min(max(v, -maxNorm), maxNorm) }
    }
    return total
  }

  static func clipGradNormReturningClippedNorm(
    _ parameters: [Tensor], maxNorm: Double, normType: Double = 2, errorIfNonfinite: Bool = false
  ) throws -> Double {
    guard maxNorm >= 0 else {
      throw WorkbookError.invalidArgument(function: "clipGradNorm", detail: "maxNorm must be ≥ 0, got \(maxNorm)")
    }
    let total = try Reference.gradNorm(parameters, normType: normType)
    if errorIfNonfinite && !total.isFinite {
      throw WorkbookError.nonFiniteNorm(function: "clipGradNorm", norm: total)
    }
    let ratio = maxNorm / (total + 1e-6)
    let factor = ratio.isNaN ? ratio : min(1, ratio)
    for p in parameters {
      guard let g = p.grad else { continue }
      g.data = g.data.map { $0 * factor }
    }
    // BUG: measured again after scaling, so it is never above maxNorm.
    return try Reference.gradNorm(parameters, normType: normType)
  }

  static func clipGradNormWithoutMin(
    _ parameters: [Tensor], maxNorm: Double, normType: Double = 2, errorIfNonfinite: Bool = false
  ) throws -> Double {
    guard maxNorm >= 0 else {
      throw WorkbookError.invalidArgument(function: "clipGradNorm", detail: "maxNorm must be ≥ 0, got \(maxNorm)")
    }
    let total = try Reference.gradNorm(parameters, normType: normType)
    if errorIfNonfinite && !total.isFinite {
      throw WorkbookError.nonFiniteNorm(function: "clipGradNorm", norm: total)
    }
    // BUG: without min(1, ·) a small gradient is stretched up to maxNorm.
    let factor = maxNorm / (total + 1e-6)
    for p in parameters {
      guard let g = p.grad else { continue }
      g.data = g.data.map { $0 * factor }
    }
    return total
  }

  static func clipGradNormWithoutEpsilon(
    _ parameters: [Tensor], maxNorm: Double, normType: Double = 2, errorIfNonfinite: Bool = false
  ) throws -> Double {
    guard maxNorm >= 0 else {
      throw WorkbookError.invalidArgument(function: "clipGradNorm", detail: "maxNorm must be ≥ 0, got \(maxNorm)")
    }
    let total = try Reference.gradNorm(parameters, normType: normType)
    if errorIfNonfinite && !total.isFinite {
      throw WorkbookError.nonFiniteNorm(function: "clipGradNorm", norm: total)
    }
    // BUG: maxNorm / norm, without the + 1e-6 (0 / 0 for a zero gradient).
    let ratio = maxNorm / total
    let factor = ratio.isNaN ? ratio : min(1, ratio)
    for p in parameters {
      guard let g = p.grad else { continue }
      g.data = g.data.map { $0 * factor }
    }
    return total
  }

  static func clipGradNormRejectingZero(
    _ parameters: [Tensor], maxNorm: Double, normType: Double = 2, errorIfNonfinite: Bool = false
  ) throws -> Double {
    // BUG: maxNorm 0 is valid (every gradient becomes 0), not an error.
    guard maxNorm > 0 else {
      throw WorkbookError.invalidArgument(function: "clipGradNorm", detail: "maxNorm must be > 0, got \(maxNorm)")
    }
    return try Reference.clipGradNorm(
      parameters, maxNorm: maxNorm, normType: normType, errorIfNonfinite: errorIfNonfinite)
  }

  /// The reference trainStep, calling `clipGradNorm`.
  static func trainStep(
    calling clipGradNorm: @escaping ([Tensor], Double, Double, Bool) throws -> Double
  ) -> (any Module, any Optimizer, Batch, LossFunction, Double) throws -> StepRecord {
    { model, optimizer, batch, lossFunction, maxNorm in
      optimizer.zeroGrad()
      let loss = try lossFunction(model(batch.inputs), batch.targets)
      try loss.backward()
      let norm = try clipGradNorm(model.parameters(), maxNorm, 2, false)
      optimizer.step()
      return StepRecord(loss: loss.item(), gradNorm: norm)
    }
  }

  static func trainStepWithoutZeroGrad(
    model: any Module, optimizer: any Optimizer, batch: Batch, lossFunction: LossFunction, maxNorm: Double
  ) throws -> StepRecord {
    // BUG: no optimizer.zeroGrad(), so backward() adds to the previous
    // step's gradient.
    let loss = try lossFunction(model(batch.inputs), batch.targets)
    try loss.backward()
    let norm = try Reference.clipGradNorm(model.parameters(), maxNorm: maxNorm)
    optimizer.step()
    return StepRecord(loss: loss.item(), gradNorm: norm)
  }

  static func trainStepClippingAfterStep(
    model: any Module, optimizer: any Optimizer, batch: Batch, lossFunction: LossFunction, maxNorm: Double
  ) throws -> StepRecord {
    optimizer.zeroGrad()
    let loss = try lossFunction(model(batch.inputs), batch.targets)
    try loss.backward()
    optimizer.step()
    // BUG: the step has already used the unclipped gradient.
    let norm = try Reference.clipGradNorm(model.parameters(), maxNorm: maxNorm)
    return StepRecord(loss: loss.item(), gradNorm: norm)
  }

  static func trainStepReportingClippedNorm(
    model: any Module, optimizer: any Optimizer, batch: Batch, lossFunction: LossFunction, maxNorm: Double
  ) throws -> StepRecord {
    optimizer.zeroGrad()
    let loss = try lossFunction(model(batch.inputs), batch.targets)
    try loss.backward()
    try Reference.clipGradNorm(model.parameters(), maxNorm: maxNorm)
    // BUG: measured after clipping, so it never shows how large it was.
    let norm = try Reference.gradNorm(model.parameters())
    optimizer.step()
    return StepRecord(loss: loss.item(), gradNorm: norm)
  }
}

extension WrongNormClipping {
  static func clipGradNormOnlyAbove(
    _ parameters: [Tensor], maxNorm: Double, normType: Double = 2, errorIfNonfinite: Bool = false
  ) throws -> Double {
    guard maxNorm >= 0 else {
      throw WorkbookError.invalidArgument(function: "clipGradNorm", detail: "maxNorm must be ≥ 0, got \(maxNorm)")
    }
    let total = try Reference.gradNorm(parameters, normType: normType)
    if errorIfNonfinite && !total.isFinite {
      throw WorkbookError.nonFiniteNorm(function: "clipGradNorm", norm: total)
    }
    // BUG: scales only above the threshold, so at exactly maxNorm nothing happens.
    if total > maxNorm {
      let factor = maxNorm / (total + 1e-6)
      for g in parameters.compactMap(\.grad) { g.data = g.data.map { $0 * factor } }
    }
    return total
  }
}
