import Autograd
import Contract
import Datasets
import Foundation
import Judge

// Exercise 2 with one bug each: the reference solution's functions, copied,
// with the changed line marked `// BUG:`.

extension KnownMistake {
  static let normClipInsteadOfValue = KnownMistake(
    "normClipInsteadOfValue", .normClipInsteadOfValue,
    "clipGradValue scales the whole gradient to norm clipValue, as clipGradNorm does, instead of clamping each entry",
    ex2: Reference.code.ex2.replacing(clipGradValue: WrongValueClipping.clipGradValueByNorm), function: "clipGradValue")

  static let noZeroGradBeforeValueClippedBackward = KnownMistake(
    "noZeroGradBeforeBackward (exercise 2)", .noZeroGradBeforeBackward,
    "trainStep calls backward() without zeroGrad() first, so gradients left from before are added in",
    ex2: Reference.code.ex2.replacing(trainStep: WrongValueClipping.trainStepWithoutZeroGrad), function: "trainStep")

  static let clampAfterStep = KnownMistake(
    "clipAtWrongTime (exercise 2)", .clipAtWrongTime, "trainStep clamps the gradient after optimizer.step(), when the step has already used the unclamped gradient",
    ex2: Reference.code.ex2.replacing(trainStep: WrongValueClipping.trainStepClampingAfterStep), function: "trainStep")

  static let cosineNotClamped = KnownMistake(
    "cosineNotClamped", .cosineNotClamped, "compareClipping takes acos of the cosine without clamping it into [−1, 1], and rounding puts it a hair past 1",
    ex2: Reference.code.ex2.replacing(compareClipping: WrongValueClipping.compareClippingWithoutClamp), function: "compareClipping")

  static let rejectsZeroClipValue = KnownMistake(
    "rejects clipValue 0", nil, "clipGradValue throws invalidArgument for clipValue 0, which PyTorch accepts",
    ex2: Reference.code.ex2.replacing(clipGradValue: WrongValueClipping.clipGradValueRejectingZero), function: "clipGradValue")
}

extension ValueClippingCode {
  /// This code with some of its functions replaced. A new clipGradValue
  /// without a new trainStep comes with the reference trainStep calling
  /// it, as a student's trainStep calls their own clipGradValue.
  func replacing(
    clipGradValue: (([Tensor], Double) throws -> Void)? = nil,
    trainStep: ((any Module, any Optimizer, Batch, LossFunction, Double) throws -> Double)? = nil,
    compareClipping: (([Double], Double, Double) throws -> ClipComparison)? = nil
  ) -> ValueClippingCode {
    var code = self
    if let clipGradValue {
      code.clipGradValue = clipGradValue
      code.trainStep = WrongValueClipping.trainStep(calling: clipGradValue)
    }
    if let trainStep { code.trainStep = trainStep }
    if let compareClipping { code.compareClipping = compareClipping }
    return code
  }
}

enum WrongValueClipping {
  static func clipGradValueByNorm(_ parameters: [Tensor], clipValue: Double) throws {
    guard clipValue >= 0 else {
      throw WorkbookError.invalidArgument(function: "clipGradValue", detail: "clipValue must be ≥ 0, got \(clipValue)")
    }
    // BUG: one factor from the total norm, instead of clamping each entry.
    var sum = 0.0
    for p in parameters {
      for v in p.grad?.data ?? [] { sum += v * v }
    }
    let factor = min(1, clipValue / (sum.squareRoot() + 1e-6))
    for p in parameters {
      guard let g = p.grad else { continue }
      g.data = g.data.map { $0 * factor }
    }
  }

  static func clipGradValueRejectingZero(_ parameters: [Tensor], clipValue: Double) throws {
    // BUG: clipValue 0 is valid (every entry becomes 0), not an error.
    guard clipValue > 0 else {
      throw WorkbookError.invalidArgument(function: "clipGradValue", detail: "clipValue must be > 0, got \(clipValue)")
    }
    try Reference.clipGradValue(parameters, clipValue: clipValue)
  }

  /// The reference trainStep, calling `clipGradValue`.
  static func trainStep(calling clipGradValue: @escaping ([Tensor], Double) throws -> Void)
    -> (any Module, any Optimizer, Batch, LossFunction, Double) throws -> Double
  {
    { model, optimizer, batch, lossFunction, clipValue in
      optimizer.zeroGrad()
      let loss = try lossFunction(model(batch.inputs), batch.targets)
      try loss.backward()
      try clipGradValue(model.parameters(), clipValue)
      optimizer.step()
      return loss.item()
    }
  }

  static func trainStepWithoutZeroGrad(
    model: any Module, optimizer: any Optimizer, batch: Batch, lossFunction: LossFunction, clipValue: Double
  ) throws -> Double {
    // BUG: no optimizer.zeroGrad(), so backward() adds to the previous
    // step's gradient.
    let loss = try lossFunction(model(batch.inputs), batch.targets)
    try loss.backward()
    try Reference.clipGradValue(model.parameters(), clipValue: clipValue)
    optimizer.step()
    return loss.item()
  }

  static func trainStepClampingAfterStep(
    model: any Module, optimizer: any Optimizer, batch: Batch, lossFunction: LossFunction, clipValue: Double
  ) throws -> Double {
    optimizer.zeroGrad()
    let loss = try lossFunction(model(batch.inputs), batch.targets)
    try loss.backward()
    optimizer.step()
    // BUG: the step has already used the unclamped gradient.
    try Reference.clipGradValue(model.parameters(), clipValue: clipValue)
    return loss.item()
  }

  /// The exercise's worked example, `length`.
  static func length(_ vector: [Double]) -> Double {
    vector.reduce(0) { $0 + $1 * $1 }.squareRoot()
  }

  static func compareClippingWithoutClamp(_ vector: [Double], maxNorm: Double, clipValue: Double) throws
    -> ClipComparison
  {
    guard vector.count == 2 else {
      throw WorkbookError.invalidArgument(function: "compareClipping", detail: "the vector must have 2 entries, got \(vector.count)")
    }
    guard maxNorm >= 0, clipValue >= 0 else {
      throw WorkbookError.invalidArgument(
        function: "compareClipping", detail: "thresholds must be ≥ 0, got maxNorm \(maxNorm) and clipValue \(clipValue)")
    }
    let factor = min(1, maxNorm / (length(vector) + 1e-6))
    let byNorm = vector.map { $0 * factor }
    let byValue = vector.map { min(max($0, -clipValue), clipValue) }
    func angle(_ a: [Double], _ b: [Double]) -> Double {
      let lengths = length(a) * length(b)
      guard lengths > 0 else { return 0 }
      // BUG: a cosine rounded to 1.0000000000000002 makes acos NaN.
      return acos((a[0] * b[0] + a[1] * b[1]) / lengths) * 180 / Double.pi
    }
    return ClipComparison(
      original: vector, byNorm: byNorm, byValue: byValue,
      angleByNormDegrees: angle(vector, byNorm), angleByValueDegrees: angle(vector, byValue))
  }
}
