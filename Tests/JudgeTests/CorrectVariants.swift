import Autograd
import Contract
import Datasets
import Foundation
@testable import AnswerKey
import Judge
import Testing

/// A correct implementation written differently from the reference; the
/// graders must accept it, because they judge the numbers, not the shape
/// of the code.
struct CorrectVariant: CustomTestStringConvertible {
  var name: String
  var exercise: Exercise
  var description: String
  /// The reference with only `exercise`'s part replaced.
  var code: WorkbookCode
  /// The checks it is written for; nil for every check of its exercise.
  var checks: Set<String>? = nil

  var testDescription: String { "\(name) (\(exercise.name)): \(description)" }

  /// Every alternative, by exercise.
  static let all: [CorrectVariant] = [
    CorrectVariant(
      name: "per-parameter norms", exercise: .ex1,
      description: "the norm of the per-parameter norms, as PyTorch computes it, and in-place loops",
      code: .reference(
        ex1: Reference.code.ex1.replacing(gradNorm: CorrectNormClipping.gradNorm, clipGradNorm: CorrectNormClipping.clipGradNorm))),
    CorrectVariant(
      name: "NaN kept by hand", exercise: .ex1,
      description: "a hand-written max and factor test that keep NaN, and the p-th root as exp(log(Σ) / p)",
      code: .reference(
        ex1: Reference.code.ex1.replacing(
          gradNorm: CorrectNormClipping.gradNormKeepingNaN, clipGradNorm: CorrectNormClipping.clipGradNormKeepingNaN))),
    CorrectVariant(
      name: "if-else clamping", exercise: .ex2, description: "clamps with if/else in an in-place loop",
      code: .reference(ex2: Reference.code.ex2.replacing(clipGradValue: CorrectValueClipping.clipGradValue))),
    CorrectVariant(
      name: "angle by atan2", exercise: .ex2,
      description: "the angle as atan2(|a × b|, a · b), which needs no clamping",
      code: .reference(ex2: Reference.code.ex2.replacing(compareClipping: CorrectValueClipping.compareClippingByAtan2))),
    CorrectVariant(
      name: "scaled gradients", exercise: .ex3,
      description: "backward() on each loss × its sample count, then .grad divided by the window's samples",
      code: .reference(ex3: AccumulationCode(trainWithAccumulation: CorrectAccumulation.scaledGradients))),
    CorrectVariant(
      name: "reversed window", exercise: .ex3, description: "each window's micro-batches in reverse order",
      code: .reference(ex3: AccumulationCode(trainWithAccumulation: CorrectAccumulation.reversedWindows))),
    CorrectVariant(
      name: "model.zeroGrad()", exercise: .ex3, description: "model.zeroGrad() instead of optimizer.zeroGrad()",
      code: .reference(ex3: AccumulationCode(trainWithAccumulation: CorrectAccumulation.modelZeroGrad))),
    CorrectVariant(
      name: "one pass over micro-batches", exercise: .ex3,
      description: "steps when (i + 1) % accumulationSteps == 0 or at the last micro-batch",
      code: .reference(ex3: AccumulationCode(trainWithAccumulation: CorrectAccumulation.indexed))),
    CorrectVariant(
      name: "scaler in a class", exercise: .ex5,
      description: "the scaler's state in a class with its own update, copied back into lossScale at the end",
      code: .reference(ex5: .reference(CorrectMixedPrecision.scalerInAClass))),
    CorrectVariant(
      name: "unscale in two passes", exercise: .ex5,
      description: "unscaleGradients divides every gradient, then looks for inf or NaN in a second pass",
      code: .reference(
        ex5: .reference(unscaleGradients: CorrectMixedPrecision.unscaleInTwoPasses, updateScale: Reference.code.ex5.updateScale))),
    CorrectVariant(
      name: "(loss * weight) * scale", exercise: .ex5,
      description: "the scaled loss written as (loss * weight) * scale, as the contract words it",
      code: .reference(ex5: .reference(CorrectMixedPrecision.loop { loss, weight, scale in try (loss * weight) * scale }))),
    CorrectVariant(
      name: "(loss * scale) * weight", exercise: .ex5,
      description: "the scaled loss written as (loss * scale) * weight",
      code: .reference(ex5: .reference(CorrectMixedPrecision.loop { loss, weight, scale in try (loss * scale) * weight }))),
    CorrectVariant(
      name: "bfloat16 without a scaler", exercise: .ex5,
      description: "no scale, no unscaling, no skipped steps: the loop PyTorch runs in bfloat16",
      code: .reference(ex5: .reference(CorrectMixedPrecision.bfloat16WithoutScaler)),
      checks: ["unscale", "unscale-overflow", "unscale-invalid", "update-backoff", "update-growth", "bfloat16",
        "invalid-arguments"]),
    CorrectVariant(
      name: "divided by the scale", exercise: .ex5,
      description: "unscaleGradients divides by the scale instead of multiplying by 1 / scale, in an in-place loop",
      code: .reference(
        ex5: .reference(unscaleGradients: CorrectMixedPrecision.unscaleByDivision, updateScale: Reference.code.ex5.updateScale))),
    CorrectVariant(
      name: "scaled gradients", exercise: .ex6,
      description: "backward() on each summed loss, then .grad divided by the window's token count",
      code: .reference(ex6: .reference(tokens: CorrectAccumulationLimits.scaledGradients))),
    CorrectVariant(
      name: "tokens counted from the targets", exercise: .ex6,
      description: "one pass over the micro-batches, each window's targets other than -100 counted as it starts",
      code: .reference(ex6: .reference(tokens: CorrectAccumulationLimits.countedFromTargets))),
    CorrectVariant(
      name: "a summed all-reduce", exercise: .ex6,
      description: "op .sum and no world-size factor, the workers taken in reverse order",
      code: .reference(ex6: .reference(workers: CorrectAccumulationLimits.summedAllReduce))),
    CorrectVariant(
      name: "sync at the window's end", exercise: .ex6,
      description: "one pass over the micro-steps, syncing and stepping when (microStep + 1) % accumulationSteps == 0",
      code: .reference(ex6: .reference(workers: CorrectAccumulationLimits.syncAtWindowEnd))),
    CorrectVariant(
      name: "squared norms", exercise: .ex6,
      description: "each worker's norm, squared again, all-reduced; the replicated squares from the last worker",
      code: .reference(ex6: .reference(norm: CorrectAccumulationLimits.squaredNorms))),
    CorrectVariant(
      name: "if-else clamping", exercise: .ex6, description: "clamps with if/else in an in-place loop",
      code: .reference(ex6: .reference(value: CorrectAccumulationLimits.clampInPlace))),
    CorrectVariant(
      name: "other loop shapes", exercise: .ex7,
      description: "AGC with squared norms in one pass, centralization in two passes, the report by index, "
        + "model.zeroGrad() in the step",
      code: { var code = ReferenceCode.code; code.ex7 = CorrectGradientHealth.code; return code }()),
  ]
}

// The closures are functions of this target and the reference; they share
// no mutable state between test cases.
extension CorrectVariant: @unchecked Sendable {}

extension NormClippingCode {
  /// This code with its norm functions replaced, and trainStep calling
  /// the new clipGradNorm.
  func replacing(
    gradNorm: @escaping ([Tensor], Double) throws -> Double,
    clipGradNorm: @escaping ([Tensor], Double, Double, Bool) throws -> Double
  ) -> NormClippingCode {
    var code = replacing(clipGradNorm: clipGradNorm)
    code.gradNorm = gradNorm
    return code
  }
}

enum CorrectNormClipping {
  /// PyTorch's way: each parameter's norm, then the norm of those norms,
  /// which is the norm of everything laid end to end.
  static func gradNorm(_ parameters: [Tensor], normType: Double = 2) throws -> Double {
    guard normType > 0 else {
      throw WorkbookError.invalidArgument(function: "gradNorm", detail: "normType must be positive, got \(normType)")
    }
    func vectorNorm(_ values: [Double]) -> Double {
      if normType == .infinity {
        var largest = 0.0
        for v in values {
          if v.isNaN { return .nan }
          largest = max(largest, abs(v))
        }
        return largest
      }
      var sum = 0.0
      for v in values { sum += pow(abs(v), normType) }
      return pow(sum, 1 / normType)
    }
    var norms: [Double] = []
    for p in parameters {
      if let g = p.grad { norms.append(vectorNorm(g.data)) }
    }
    return vectorNorm(norms)
  }

  static func clipGradNorm(
    _ parameters: [Tensor], maxNorm: Double, normType: Double = 2, errorIfNonfinite: Bool = false
  ) throws -> Double {
    guard maxNorm >= 0 else {
      throw WorkbookError.invalidArgument(function: "clipGradNorm", detail: "maxNorm must be ≥ 0, got \(maxNorm)")
    }
    let total = try gradNorm(parameters, normType: normType)
    if errorIfNonfinite && !total.isFinite {
      throw WorkbookError.nonFiniteNorm(function: "clipGradNorm", norm: total)
    }
    let ratio = maxNorm / (total + 1e-6)
    let factor = ratio.isNaN ? ratio : min(1, ratio)
    for p in parameters {
      guard let g = p.grad else { continue }
      for i in g.data.indices { g.data[i] *= factor }
    }
    return total
  }
}

extension CorrectNormClipping {
  static func gradNormKeepingNaN(_ parameters: [Tensor], normType: Double = 2) throws -> Double {
    guard normType > 0 else {
      throw WorkbookError.invalidArgument(function: "gradNorm", detail: "normType must be positive, got \(normType)")
    }
    let entries = parameters.flatMap { $0.grad?.data ?? [] }.map(abs)
    if normType == .infinity {
      var largest = 0.0
      // Once largest is NaN every comparison is false, so it stays NaN.
      for v in entries where v.isNaN || v > largest { largest = v }
      return largest
    }
    let sum = entries.reduce(0) { $0 + pow($1, normType) }
    return exp(log(sum) / normType)
  }

  static func clipGradNormKeepingNaN(
    _ parameters: [Tensor], maxNorm: Double, normType: Double = 2, errorIfNonfinite: Bool = false
  ) throws -> Double {
    guard maxNorm >= 0 else {
      throw WorkbookError.invalidArgument(function: "clipGradNorm", detail: "maxNorm must be ≥ 0, got \(maxNorm)")
    }
    let total = try gradNormKeepingNaN(parameters, normType: normType)
    if errorIfNonfinite && (total.isNaN || total.isInfinite) {
      throw WorkbookError.nonFiniteNorm(function: "clipGradNorm", norm: total)
    }
    let ratio = maxNorm / (total + 1e-6)
    // NaN >= 1 is false, so a NaN ratio is kept as the factor.
    let factor = ratio >= 1 ? 1 : ratio
    for g in parameters.compactMap(\.grad) { g.data = g.data.map { $0 * factor } }
    return total
  }
}

enum CorrectValueClipping {
  static func clipGradValue(_ parameters: [Tensor], clipValue: Double) throws {
    guard clipValue >= 0 else {
      throw WorkbookError.invalidArgument(function: "clipGradValue", detail: "clipValue must be ≥ 0, got \(clipValue)")
    }
    for p in parameters {
      guard let g = p.grad else { continue }
      for i in g.data.indices {
        // NaN fails both comparisons and stays NaN.
        if g.data[i] > clipValue {
          g.data[i] = clipValue
        } else if g.data[i] < -clipValue {
          g.data[i] = -clipValue
        }
      }
    }
  }
}

extension CorrectValueClipping {
  static func compareClippingByAtan2(_ vector: [Double], maxNorm: Double, clipValue: Double) throws -> ClipComparison {
    guard vector.count == 2, maxNorm >= 0, clipValue >= 0 else {
      throw WorkbookError.invalidArgument(
        function: "compareClipping", detail: "a 2-entry vector and thresholds ≥ 0, got \(vector), \(maxNorm), \(clipValue)")
    }
    let length = (vector[0] * vector[0] + vector[1] * vector[1]).squareRoot()
    let byNorm = vector.map { $0 * min(1, maxNorm / (length + 1e-6)) }
    var byValue = vector
    for i in byValue.indices where abs(byValue[i]) > clipValue { byValue[i] = byValue[i] < 0 ? -clipValue : clipValue }
    // atan2 of the cross and the dot product is the angle with no acos:
    // no cosine to clamp, and 0 for a zero vector.
    func angle(_ a: [Double], _ b: [Double]) -> Double {
      atan2(abs(a[0] * b[1] - a[1] * b[0]), a[0] * b[0] + a[1] * b[1]) * 180 / .pi
    }
    return ClipComparison(
      original: vector, byNorm: byNorm, byValue: byValue,
      angleByNormDegrees: angle(vector, byNorm), angleByValueDegrees: angle(vector, byValue))
  }
}

enum CorrectAccumulation {
  static func scaledGradients(
    model: any Module, optimizer: any Optimizer, microBatches: [Batch],
    accumulationSteps: Int, lossFunction: LossFunction
  ) throws -> [Double] {
    guard accumulationSteps >= 1 else { throw WrongAccumulation.invalidSteps(accumulationSteps) }
    var losses: [Double] = []
    optimizer.zeroGrad()
    for start in stride(from: 0, to: microBatches.count, by: accumulationSteps) {
      let window = microBatches[start..<min(start + accumulationSteps, microBatches.count)]
      let windowSamples = Double(window.reduce(0) { $0 + $1.count })
      var lossSum = 0.0
      for batch in window {
        // The loss summed over the micro-batch's samples...
        let loss = try lossFunction(model(batch.inputs), batch.targets) * Double(batch.count)
        try loss.backward()
        lossSum += loss.item()
      }
      // ...and the gradient of the sum divided once by the sample count.
      for p in optimizer.parameters {
        guard let g = p.grad else { continue }
        g.data = g.data.map { $0 / windowSamples }
      }
      optimizer.step()
      optimizer.zeroGrad()
      losses.append(lossSum / windowSamples)
    }
    return losses
  }

  static func reversedWindows(
    model: any Module, optimizer: any Optimizer, microBatches: [Batch],
    accumulationSteps: Int, lossFunction: LossFunction
  ) throws -> [Double] {
    guard accumulationSteps >= 1 else { throw WrongAccumulation.invalidSteps(accumulationSteps) }
    var losses: [Double] = []
    optimizer.zeroGrad()
    for start in stride(from: 0, to: microBatches.count, by: accumulationSteps) {
      let window = microBatches[start..<min(start + accumulationSteps, microBatches.count)]
      let windowSamples = window.reduce(0) { $0 + $1.count }
      var windowLoss = 0.0
      for batch in window.reversed() {
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

  static func modelZeroGrad(
    model: any Module, optimizer: any Optimizer, microBatches: [Batch],
    accumulationSteps: Int, lossFunction: LossFunction
  ) throws -> [Double] {
    guard accumulationSteps >= 1 else { throw WrongAccumulation.invalidSteps(accumulationSteps) }
    var losses: [Double] = []
    model.zeroGrad()
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
      model.zeroGrad()
      losses.append(windowLoss)
    }
    return losses
  }

  /// The one-pass shape of `WrongAccumulation.stepOffByOne` and
  /// `.partialWindowDropped`, without their bugs.
  static func indexed(
    model: any Module, optimizer: any Optimizer, microBatches: [Batch],
    accumulationSteps: Int, lossFunction: LossFunction
  ) throws -> [Double] {
    guard accumulationSteps >= 1 else { throw WrongAccumulation.invalidSteps(accumulationSteps) }
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
      if (i + 1) % accumulationSteps == 0 || i == microBatches.count - 1 {
        optimizer.step()
        optimizer.zeroGrad()
        losses.append(windowLoss)
        windowLoss = 0
      }
    }
    return losses
  }
}


enum CorrectMixedPrecision {
  /// The reference loop with the scaled loss written by `scaled(loss,
  /// weight, scale)`.
  static func loop(_ scaled: @escaping (Tensor, Double, Double) throws -> Tensor) -> MixedPrecisionLoop {
    { model, optimizer, scheduler, microBatches, accumulationSteps, lossFunction, maxNorm, lossScale, clipGradNorm in
      try WrongMixedPrecision.validate(accumulationSteps, maxNorm)
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
          try scaled(loss, weight, scale).backward()
          windowLoss += loss.item() * weight
        }
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

  /// bfloat16 has float32's range: PyTorch's bfloat16 recipe has no
  /// GradScaler, so nothing is scaled, unscaled or skipped.
  static func bfloat16WithoutScaler(
    model: any Module, optimizer: any Optimizer, scheduler: LinearWarmup, microBatches: [Batch],
    accumulationSteps: Int, lossFunction: LossFunction, maxNorm: Double, lossScale: inout LossScale,
    clipGradNorm: GradNormClipper
  ) throws -> [MixedPrecisionRecord] {
    try WrongMixedPrecision.validate(accumulationSteps, maxNorm)
    var records: [MixedPrecisionRecord] = []
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
      scheduler.step()
      records.append(MixedPrecisionRecord(loss: windowLoss, gradNorm: norm, stepped: true, scale: 1))
    }
    return records
  }

  /// GradScaler's state as an object, the way PyTorch keeps it.
  final class Scaler {
    var scale: Double
    var growthTracker: Int
    let growthFactor: Double, backoffFactor: Double, growthInterval: Int

    init(_ state: LossScale) {
      scale = state.scale
      growthTracker = state.growthTracker
      growthFactor = state.growthFactor
      backoffFactor = state.backoffFactor
      growthInterval = state.growthInterval
    }

    func update(foundInf: Bool) {
      if foundInf {
        scale *= backoffFactor
        growthTracker = 0
      } else if growthTracker + 1 == growthInterval {
        scale *= growthFactor
        growthTracker = 0
      } else {
        growthTracker += 1
      }
    }

    /// Written into `lossScale`, keeping what the scaler does not hold.
    func store(in lossScale: inout LossScale) {
      lossScale.scale = scale
      lossScale.growthTracker = growthTracker
    }
  }

  static func scalerInAClass(
    model: any Module, optimizer: any Optimizer, scheduler: LinearWarmup, microBatches: [Batch],
    accumulationSteps: Int, lossFunction: LossFunction, maxNorm: Double, lossScale: inout LossScale,
    clipGradNorm: GradNormClipper
  ) throws -> [MixedPrecisionRecord] {
    try WrongMixedPrecision.validate(accumulationSteps, maxNorm)
    let scaler = Scaler(lossScale)
    var records: [MixedPrecisionRecord] = []
    model.zeroGrad()
    for start in stride(from: 0, to: microBatches.count, by: accumulationSteps) {
      let window = microBatches[start..<min(start + accumulationSteps, microBatches.count)]
      let windowSamples = Double(window.reduce(0) { $0 + $1.count })
      let used = scaler.scale
      var windowLoss = 0.0
      for batch in window {
        let loss = try lossFunction(model(batch.inputs), batch.targets)
        let weight = Double(batch.count) / windowSamples
        try (loss * (weight * used)).backward()
        windowLoss += loss.item() * weight
      }
      let overflowed = try Reference.unscaleGradients(model.parameters(), scale: used)
      let norm = try clipGradNorm(model.parameters(), maxNorm: maxNorm)
      if overflowed {
        scaler.update(foundInf: true)
        model.zeroGrad()
      } else {
        optimizer.step()
        scaler.update(foundInf: false)
        model.zeroGrad()
        scheduler.step()
      }
      records.append(MixedPrecisionRecord(loss: windowLoss, gradNorm: norm, stepped: !overflowed, scale: used))
    }
    scaler.store(in: &lossScale)
    return records
  }

  static func unscaleInTwoPasses(_ parameters: [Tensor], scale: Double) throws -> Bool {
    guard scale.isFinite, scale > 0 else {
      throw WorkbookError.invalidArgument(function: "unscaleGradients", detail: "scale must be finite and > 0, got \(scale)")
    }
    let grads = parameters.compactMap(\.grad)
    for g in grads { g.data = g.data.map { $0 * (1 / scale) } }
    // inf / scale is still inf and NaN stays NaN: looking after dividing
    // finds the same overflow as looking before.
    return grads.contains { $0.data.contains { $0.isNaN || $0.isInfinite } }
  }

  static func unscaleByDivision(_ parameters: [Tensor], scale: Double) throws -> Bool {
    guard scale.isFinite, scale > 0 else {
      throw WorkbookError.invalidArgument(function: "unscaleGradients", detail: "scale must be finite and > 0, got \(scale)")
    }
    var foundInf = false
    for p in parameters {
      guard let g = p.grad else { continue }
      for i in g.data.indices {
        g.data[i] /= scale
        if !g.data[i].isFinite { foundInf = true }
      }
    }
    return foundInf
  }
}
