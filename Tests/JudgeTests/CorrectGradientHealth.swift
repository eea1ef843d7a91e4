import Autograd
import Contract
import Datasets
import Foundation
@testable import AnswerKey
import Judge

/// Exercise 7 written otherwise than the reference, correctly.
enum CorrectGradientHealth {
  /// AGC with squared norms (no square root until the factor), one pass
  /// over the rows accumulating every column at once.
  static func adaptiveGradClipSquared(_ parameters: [Tensor], clipping: Double, eps: Double) throws {
    guard !(clipping < 0 || clipping.isNaN || eps < 0 || eps.isNaN) else {
      throw WorkbookError.invalidArgument(function: "adaptiveGradClip", detail: "bad clipping \(clipping) or eps \(eps)")
    }
    for p in parameters {
      guard let grad = p.grad else { continue }
      let width = p.rank >= 2 ? p.shape[p.rank - 1] : p.count
      let columns = p.rank >= 2 ? width : 1
      var gradSquares = [Double](repeating: 0, count: columns)
      var weightSquares = [Double](repeating: 0, count: columns)
      for i in 0..<p.count {
        let column = p.rank >= 2 ? i % width : 0
        gradSquares[column] += grad.data[i] * grad.data[i]
        weightSquares[column] += p.data[i] * p.data[i]
      }
      var factors = [Double](repeating: 1, count: columns)
      for c in 0..<columns {
        let floor = max(weightSquares[c], eps * eps)
        let limit = clipping * clipping * floor
        if gradSquares[c] > limit { factors[c] = (limit / gradSquares[c]).squareRoot() }
      }
      var data = grad.data
      for i in data.indices { data[i] *= factors[p.rank >= 2 ? i % width : 0] }
      grad.data = data
    }
  }

  /// Centralization in two passes: the column sums first, then one pass
  /// subtracting each column's mean.
  static func centralizeTwoPasses(_ parameters: [Tensor]) throws {
    for p in parameters {
      guard p.shape.count > 1, let grad = p.grad else { continue }
      let columns = p.shape.last!
      var sums = [Double](repeating: 0, count: columns)
      for (i, g) in grad.data.enumerated() { sums[i % columns] += g }
      let rows = Double(p.count / columns)
      grad.data = grad.data.enumerated().map { i, g in g - sums[i % columns] / rows }
    }
  }

  /// The report with index loops, NaN and infinity tested apart, and the
  /// backward search by lastIndex(where:).
  static func reportByIndex(
    _ named: [(name: String, tensor: Tensor)], gradientsBefore: [[Double]?], valuesBefore: [[Double]]
  ) throws -> GradientReport {
    if gradientsBefore.count != named.count || valuesBefore.count != named.count {
      throw WorkbookError.invalidArgument(function: "gradientReport", detail: "one entry per parameter, please")
    }
    var parameters: [ParameterHealth] = []
    var beforeSquares = 0.0, afterSquares = 0.0
    for k in 0..<named.count {
      var gradSquares = 0.0, bad = 0
      for g in gradientsBefore[k] ?? [] {
        gradSquares += g * g
        if g.isNaN || g.isInfinite { bad += 1 }
      }
      beforeSquares += gradSquares
      for g in named[k].tensor.grad?.data ?? [] { afterSquares += g * g }
      var weightSquares = 0.0, moveSquares = 0.0
      for i in valuesBefore[k].indices {
        weightSquares += valuesBefore[k][i] * valuesBefore[k][i]
        let d = named[k].tensor.data[i] - valuesBefore[k][i]
        moveSquares += d * d
      }
      let ratio = moveSquares == 0 ? 0 : (moveSquares / weightSquares).squareRoot()
      parameters.append(
        ParameterHealth(
          name: named[k].name, gradNorm: gradSquares.squareRoot(), paramNorm: weightSquares.squareRoot(),
          updateRatio: ratio, nonFinite: bad))
    }
    let last = parameters.lastIndex { $0.nonFinite > 0 }
    return GradientReport(
      parameters: parameters, globalNormBefore: beforeSquares.squareRoot(), globalNormAfter: afterSquares.squareRoot(),
      firstNonFinite: last.map { parameters[$0].name })
  }

  /// The step with model.zeroGrad() and its own copies.
  static func stepWithModelZeroGrad(
    _ code: GradientHealthCode
  ) -> (any Module, any Optimizer, Batch, LossFunction, Bool, GradientHealthCode.Clip) throws -> GradientReport {
    { model, optimizer, batch, lossFunction, centralize, clipGradients in
      model.zeroGrad()
      let prediction = try model(batch.inputs)
      try lossFunction(prediction, batch.targets).backward()
      let named = model.namedParameters()
      if centralize { try code.centralizeGradients(named.map(\.tensor)) }
      var copies: [[Double]?] = []
      for (_, p) in named { copies.append(p.grad.map { Array($0.data) }) }
      try clipGradients(named.map(\.tensor))
      var values: [[Double]] = []
      for (_, p) in named { values.append(Array(p.data)) }
      optimizer.step()
      return try code.gradientReport(named, copies, values)
    }
  }

  static var code: GradientHealthCode {
    var code = GradientHealthCode.replacing(
      adaptiveGradClip: adaptiveGradClipSquared, centralizeGradients: centralizeTwoPasses,
      gradientReport: reportByIndex)
    code.trainStepWithReport = stepWithModelZeroGrad(code)
    return code
  }
}

/// Exercise 7's mistakes as a student might write them otherwise than the
/// key's catalogue does.
enum StudentGradientHealth {
  /// Seed 002's shape (one norm per tensor), with squared norms.
  static func agcPerTensorSquared(_ parameters: [Tensor], clipping: Double, eps: Double) throws {
    guard clipping >= 0, eps >= 0 else {
      throw WorkbookError.invalidArgument(function: "adaptiveGradClip", detail: "negative")
    }
    for p in parameters {
      guard let grad = p.grad else { continue }
      let g2 = grad.data.reduce(0) { $0 + $1 * $1 }
      let w2 = max(p.data.reduce(0) { $0 + $1 * $1 }, eps * eps)
      if g2 > clipping * clipping * w2 {
        let factor = (clipping * clipping * w2 / g2).squareRoot()
        grad.data = grad.data.map { $0 * factor }
      }
    }
  }

  /// A gradient is bad when its largest |entry|, by Swift's max(), is not
  /// finite: max() drops a NaN.
  static func reportCheckingLargest(
    _ named: [(name: String, tensor: Tensor)], gradientsBefore: [[Double]?], valuesBefore: [[Double]]
  ) throws -> GradientReport {
    var report = try CorrectGradientHealth.reportByIndex(
      named, gradientsBefore: gradientsBefore, valuesBefore: valuesBefore)
    for k in report.parameters.indices {
      let values = gradientsBefore[k] ?? []
      report.parameters[k].nonFinite = values.filter { abs($0) > .greatestFiniteMagnitude }.count
    }
    let largest = report.parameters.indices.reversed().first { k in
      !((gradientsBefore[k] ?? []).map(abs).max() ?? 0).isFinite
    }
    report.firstNonFinite = largest.map { report.parameters[$0].name }
    return report
  }
}
