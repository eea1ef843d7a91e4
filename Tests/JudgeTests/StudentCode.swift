@testable import AnswerKey
import Autograd
import Contract
import Foundation
import Harness

/// Wrong code as students wrote it when they met the messages of issue
/// #15, section 4: each is what one message must describe without
/// prescribing a fix the code already has.
enum StudentCode {
  /// Per-parameter norms with `min(1, …)` and no 1e-6: at exactly maxNorm
  /// every mistake that leaves the gradients alone matches, and only the
  /// per-parameter one is this code's.
  static let perParameterWithMin = WorkbookCode.reference(
    ex1: Reference.code.ex1.replacing(clipGradNorm: { parameters, maxNorm, normType, _ in
      let total = try Reference.gradNorm(parameters, normType: normType)
      for p in parameters {
        guard let g = p.grad else { continue }
        let factor = min(1, maxNorm / (try Reference.gradNorm([p], normType: normType)))
        g.data = g.data.map { $0 * factor }
      }
      return total
    }))

  /// Per-parameter norms, scaled with an `if`.
  static let perParameterWithIf = WorkbookCode.reference(
    ex1: Reference.code.ex1.replacing(clipGradNorm: { parameters, maxNorm, normType, _ in
      let total = try Reference.gradNorm(parameters, normType: normType)
      for p in parameters {
        guard let g = p.grad else { continue }
        let own = try Reference.gradNorm([p], normType: normType)
        if own > maxNorm { g.data = g.data.map { $0 * maxNorm / own } }
      }
      return total
    }))

  /// A NaN ratio turned into 1 by a comparison (`NaN < 1` is false).
  static let nanFactorOne = WorkbookCode.reference(
    ex1: Reference.code.ex1.replacing(clipGradNorm: { parameters, maxNorm, normType, errorIfNonfinite in
      let total = try Reference.gradNorm(parameters, normType: normType)
      if errorIfNonfinite && !total.isFinite {
        throw WorkbookError.nonFiniteNorm(function: "clipGradNorm", norm: total)
      }
      let ratio = maxNorm / (total + 1e-6)
      let factor = ratio < 1 ? ratio : 1
      for p in parameters { p.grad?.data = p.grad!.data.map { $0 * factor } }
      return total
    }))

  /// Throws for a non-finite norm, but only after scaling the gradients.
  static let throwsAfterScaling = WorkbookCode.reference(
    ex1: Reference.code.ex1.replacing(clipGradNorm: { parameters, maxNorm, normType, errorIfNonfinite in
      let total = try Reference.gradNorm(parameters, normType: normType)
      let ratio = maxNorm / (total + 1e-6)
      let factor = ratio.isNaN ? ratio : min(1, ratio)
      for p in parameters { p.grad?.data = p.grad!.data.map { $0 * factor } }
      if errorIfNonfinite && !total.isFinite {
        throw WorkbookError.nonFiniteNorm(function: "clipGradNorm", norm: total)
      }
      return total
    }))

  /// The angle from a clamped cosine, with no case for a vector of length
  /// 0: at maxNorm 0 the cosine is 0 / 0 and the clamp makes it 180°.
  static let angleWithoutZeroLength = WorkbookCode.reference(
    ex2: Reference.code.ex2.replacing(compareClipping: { vector, maxNorm, clipValue in
      let length = { (v: [Double]) in (v[0] * v[0] + v[1] * v[1]).squareRoot() }
      let byNorm = vector.map { $0 * min(1, maxNorm / (length(vector) + 1e-6)) }
      let byValue = vector.map { min(max($0, -clipValue), clipValue) }
      func angle(_ a: [Double], _ b: [Double]) -> Double {
        let cosine = (a[0] * b[0] + a[1] * b[1]) / (length(a) * length(b))
        return acos(min(1, max(-1, cosine))) * 180 / Double.pi
      }
      return ClipComparison(
        original: vector, byNorm: byNorm, byValue: byValue,
        angleByNormDegrees: angle(vector, byNorm), angleByValueDegrees: angle(vector, byValue))
    }))

  /// Steps every window but returns the losses of the full windows only.
  static let lossesOfFullWindows = WorkbookCode.reference(
    ex3: AccumulationCode(trainWithAccumulation: { model, optimizer, batches, steps, lossFunction in
      let losses = try Reference.code.ex3.trainWithAccumulation(model, optimizer, batches, steps, lossFunction)
      return Array(losses.prefix(batches.count / max(1, steps)))
    }))
}
