import Autograd
import Contract
import Datasets
import Foundation
import Judge

// Exercise 7 with one bug each: the reference solution's functions, copied
// (the report's variants share one copy, `report`), with the changed line
// marked `// BUG:`.

extension KnownMistake {
  static let agcPerTensor = KnownMistake(
    "agcPerTensor", .agcPerTensor,
    "adaptiveGradClip compares each whole tensor's gradient norm with its whole weight norm, as seed 002's "
      + "adaptive_clip_grad does, instead of one output unit (a column) at a time",
    ex7: .replacing(adaptiveGradClip: WrongGradientHealth.agcPerTensor), function: "adaptiveGradClip")

  static let agcWrongAxis = KnownMistake(
    "agcWrongAxis", .agcWrongAxis,
    "adaptiveGradClip takes the rows of a [in, out] weight as its units, one per input, instead of the columns, "
      + "one per output unit (PyTorch's [out, in] layout has them as rows)",
    ex7: .replacing(adaptiveGradClip: WrongGradientHealth.agcPerRow), function: "adaptiveGradClip")

  static let agcWithoutEps = KnownMistake(
    "agcWithoutEps", .agcWithoutEps,
    "adaptiveGradClip's maximum is clipping × ‖W‖ without max(·, eps): for a zero-initialised bias that is 0, so "
      + "its gradient is zeroed on every step and the bias never trains",
    ex7: .replacing(adaptiveGradClip: WrongGradientHealth.agcWithoutEps), function: "adaptiveGradClip")

  static let agcScalesUp = KnownMistake(
    "agcScalesUp", .agcScalesUp,
    "adaptiveGradClip multiplies every unit by maximum / ‖G‖, also those below their maximum, which scales small "
      + "gradients up",
    ex7: .replacing(adaptiveGradClip: WrongGradientHealth.agcScalingUp), function: "adaptiveGradClip")

  static let centralizedBiases = KnownMistake(
    "centralizedBiases", .centralizedBiases,
    "centralizeGradients also subtracts the mean from gradients of one dimension, the biases",
    ex7: .replacing(centralizeGradients: WrongGradientHealth.centralizeBiasesToo), function: "centralizeGradients")

  static let centralizedWrongAxis = KnownMistake(
    "centralizedWrongAxis", .centralizedWrongAxis,
    "centralizeGradients subtracts one mean per row of a [in, out] weight (per input) instead of one per column "
      + "(per output unit), as seed 002's mean over dims 1… does when copied to this layout",
    ex7: .replacing(centralizeGradients: WrongGradientHealth.centralizePerRow), function: "centralizeGradients")

  static let centralizedUpdate = KnownMistake(
    "centralizedUpdate", .centralizedUpdate,
    "trainStepWithReport centralizes the update after optimizer.step() instead of the gradient before it, so "
      + "clipping and the optimizer see the gradient as it was",
    ex7: .replacing(trainStepWithReport: WrongGradientHealth.stepCentralizingUpdate), function: "trainStepWithReport")

  static let reportGradNormAfterClipping = KnownMistake(
    "loggedAfterAsBefore (gradNorm)", .loggedAfterAsBefore,
    "gradientReport measures each parameter's gradNorm on .grad, which by then holds the gradient after clipping",
    ex7: .replacing(gradientReport: WrongGradientHealth.reportGradNormAfterClipping), function: "gradientReport")

  static let reportGlobalBeforeAfterClipping = KnownMistake(
    "loggedAfterAsBefore (global)", .loggedAfterAsBefore,
    "gradientReport measures globalNormBefore on .grad, which by then holds the gradient after clipping",
    ex7: .replacing(gradientReport: WrongGradientHealth.reportGlobalBeforeFromGrad), function: "gradientReport")

  static let stepSnapshotAfterClipping = KnownMistake(
    "loggedAfterAsBefore (step)", .loggedAfterAsBefore,
    "trainStepWithReport copies the gradients after clipping them, so the report's “before” is the gradient after",
    ex7: .replacing(trainStepWithReport: WrongGradientHealth.stepSnapshotAfterClipping), function: "trainStepWithReport")

  static let reportGlobalAfterBeforeClipping = KnownMistake(
    "loggedBeforeAsAfter", .loggedBeforeAsAfter,
    "gradientReport measures globalNormAfter on the copy taken before clipping",
    ex7: .replacing(gradientReport: WrongGradientHealth.reportGlobalAfterFromCopy), function: "gradientReport")

  static let nanCountedAsFinite = KnownMistake(
    "nanCountedAsFinite", .nanCountedAsFinite,
    "gradientReport counts only the infinite entries (isInfinite, or abs(g) > greatestFiniteMagnitude), so a NaN "
      + "counts as finite",
    ex7: .replacing(gradientReport: WrongGradientHealth.reportCountingInfinitiesOnly), function: "gradientReport")

  static let firstNonFiniteForward = KnownMistake(
    "firstNonFiniteForward", .firstNonFiniteForward,
    "gradientReport searches for the first non-finite gradient from the first parameter on, in forward order, "
      + "instead of from the last, the order backward() reaches them",
    ex7: .replacing(gradientReport: WrongGradientHealth.reportSearchingForward), function: "gradientReport")

  init(_ name: String, _ mistake: Mistake?, _ explanation: String, ex7: GradientHealthCode, function: String) {
    var code = ReferenceCode.code
    code.ex7 = ex7
    self.init(name, mistake, exercise: .ex7, function: function, explanation, code: code)
  }
}

extension GradientHealthCode {
  /// The reference with some functions replaced. The step is the
  /// reference's step calling the replaced functions, as a student's step
  /// calls their own, unless it is replaced itself.
  static func replacing(
    adaptiveGradClip: (([Tensor], Double, Double) throws -> Void)? = nil,
    centralizeGradients: (([Tensor]) throws -> Void)? = nil,
    gradientReport: (([(name: String, tensor: Tensor)], [[Double]?], [[Double]]) throws -> GradientReport)? = nil,
    trainStepWithReport: ((any Module, any Optimizer, Batch, LossFunction, Bool, Clip) throws -> GradientReport)? = nil
  ) -> GradientHealthCode {
    var code = ReferenceCode.code.ex7!
    if let adaptiveGradClip { code.adaptiveGradClip = adaptiveGradClip }
    if let centralizeGradients { code.centralizeGradients = centralizeGradients }
    if let gradientReport { code.gradientReport = gradientReport }
    let parts = code
    code.trainStepWithReport =
      trainStepWithReport ?? { model, optimizer, batch, lossFunction, centralize, clipGradients in
        try WrongGradientHealth.step(
          parts, model: model, optimizer: optimizer, batch: batch, lossFunction: lossFunction, centralize: centralize,
          clipGradients: clipGradients)
      }
    return code
  }
}

enum WrongGradientHealth {
  /// The reference step, calling the functions of `code`.
  static func step(
    _ code: GradientHealthCode, model: any Module, optimizer: any Optimizer, batch: Batch, lossFunction: LossFunction,
    centralize: Bool, clipGradients: ([Tensor]) throws -> Void
  ) throws -> GradientReport {
    optimizer.zeroGrad()
    let loss = try lossFunction(model(batch.inputs), batch.targets)
    try loss.backward()
    let named = model.namedParameters()
    let parameters = named.map(\.tensor)
    if centralize { try code.centralizeGradients(parameters) }
    let gradientsBefore = parameters.map { $0.grad?.data }
    try clipGradients(parameters)
    let valuesBefore = parameters.map(\.data)
    optimizer.step()
    return try code.gradientReport(named, gradientsBefore, valuesBefore)
  }

  static func norm(_ values: [Double]) -> Double { values.reduce(0) { $0 + $1 * $1 }.squareRoot() }

  static func checked(_ clipping: Double, _ eps: Double) throws {
    guard clipping >= 0, eps >= 0 else {
      throw WorkbookError.invalidArgument(
        function: "adaptiveGradClip", detail: "clipping and eps must be ≥ 0, got clipping \(clipping), eps \(eps)")
    }
  }

  /// Units of `p` as lists of indices: columns of a weight, or the vector.
  static func columns(_ p: Tensor) -> [[Int]] {
    let units = p.rank >= 2 ? p.shape[p.rank - 1] : 1
    return (0..<units).map { Array(stride(from: $0, to: p.count, by: units)) }
  }

  static func agcPerTensor(_ parameters: [Tensor], clipping: Double, eps: Double) throws {
    try checked(clipping, eps)
    for p in parameters {
      guard let grad = p.grad else { continue }
      // BUG: one norm for the whole tensor, not one per output unit.
      let gradNorm = norm(grad.data)
      let maximum = clipping * max(norm(p.data), eps)
      guard gradNorm > maximum else { continue }
      grad.data = grad.data.map { $0 * maximum / gradNorm }
    }
  }

  static func agcPerRow(_ parameters: [Tensor], clipping: Double, eps: Double) throws {
    try checked(clipping, eps)
    for p in parameters {
      guard let grad = p.grad else { continue }
      // BUG: rows of [in, out] (one per input) instead of columns.
      let width = p.rank >= 2 ? p.shape[p.rank - 1] : p.count
      for row in stride(from: 0, to: p.count, by: width) {
        let entries = Array(row..<(row + width))
        let gradNorm = norm(entries.map { grad.data[$0] })
        let maximum = clipping * max(norm(entries.map { p.data[$0] }), eps)
        guard gradNorm > maximum else { continue }
        for i in entries { grad.data[i] *= maximum / gradNorm }
      }
    }
  }

  static func agcWithoutEps(_ parameters: [Tensor], clipping: Double, eps: Double) throws {
    try checked(clipping, eps)
    for p in parameters {
      guard let grad = p.grad else { continue }
      for entries in columns(p) {
        let gradNorm = norm(entries.map { grad.data[$0] })
        // BUG: no max(·, eps): a unit of zeros gets a maximum of 0.
        let maximum = clipping * norm(entries.map { p.data[$0] })
        guard gradNorm > maximum else { continue }
        for i in entries { grad.data[i] *= maximum / gradNorm }
      }
    }
  }

  static func agcScalingUp(_ parameters: [Tensor], clipping: Double, eps: Double) throws {
    try checked(clipping, eps)
    for p in parameters {
      guard let grad = p.grad else { continue }
      for entries in columns(p) {
        let gradNorm = norm(entries.map { grad.data[$0] })
        let maximum = clipping * max(norm(entries.map { p.data[$0] }), eps)
        // BUG: no test against the maximum: small gradients are scaled up.
        guard gradNorm > 0 else { continue }
        for i in entries { grad.data[i] *= maximum / gradNorm }
      }
    }
  }

  static func centralizeBiasesToo(_ parameters: [Tensor]) throws {
    // BUG: every parameter, biases (one dimension) included.
    for p in parameters {
      guard let grad = p.grad else { continue }
      for entries in columns(p) {
        let mean = entries.reduce(0) { $0 + grad.data[$1] } / Double(entries.count)
        for i in entries { grad.data[i] -= mean }
      }
    }
  }

  static func centralizePerRow(_ parameters: [Tensor]) throws {
    for p in parameters where p.rank >= 2 {
      guard let grad = p.grad else { continue }
      // BUG: one mean per row (per input), over the output dimension.
      let width = p.shape[p.rank - 1]
      for row in stride(from: 0, to: p.count, by: width) {
        let mean = grad.data[row..<(row + width)].reduce(0, +) / Double(width)
        for i in row..<(row + width) { grad.data[i] -= mean }
      }
    }
  }

  static func stepCentralizingUpdate(
    model: any Module, optimizer: any Optimizer, batch: Batch, lossFunction: LossFunction, centralize: Bool,
    clipGradients: ([Tensor]) throws -> Void
  ) throws -> GradientReport {
    optimizer.zeroGrad()
    let loss = try lossFunction(model(batch.inputs), batch.targets)
    try loss.backward()
    let named = model.namedParameters()
    let parameters = named.map(\.tensor)
    let gradientsBefore = parameters.map { $0.grad?.data }
    try clipGradients(parameters)
    let valuesBefore = parameters.map(\.data)
    optimizer.step()
    // BUG: the change the step made is centralized, after the optimizer
    // has used the gradient as it was.
    if centralize {
      let updates = zip(parameters, valuesBefore).map { p, old in
        Tensor(zip(p.data, old).map { $0 - $1 }, shape: p.shape)
      }
      for u in updates { u.grad = Tensor(u.data, shape: u.shape) }
      try Solution7Calls.centralizeGradients(updates)
      for ((p, old), u) in zip(zip(parameters, valuesBefore), updates) {
        p.data = zip(old, u.grad!.data).map { $0 + $1 }
      }
    }
    return try Solution7Calls.gradientReport(named, gradientsBefore: gradientsBefore, valuesBefore: valuesBefore)
  }

  static func stepSnapshotAfterClipping(
    model: any Module, optimizer: any Optimizer, batch: Batch, lossFunction: LossFunction, centralize: Bool,
    clipGradients: ([Tensor]) throws -> Void
  ) throws -> GradientReport {
    optimizer.zeroGrad()
    let loss = try lossFunction(model(batch.inputs), batch.targets)
    try loss.backward()
    let named = model.namedParameters()
    let parameters = named.map(\.tensor)
    if centralize { try Solution7Calls.centralizeGradients(parameters) }
    try clipGradients(parameters)
    // BUG: copied after clipping, so "before" is the clipped gradient.
    let gradientsBefore = parameters.map { $0.grad?.data }
    let valuesBefore = parameters.map(\.data)
    optimizer.step()
    return try Solution7Calls.gradientReport(named, gradientsBefore: gradientsBefore, valuesBefore: valuesBefore)
  }

  /// The reference report with `parameterGradient` as each parameter's
  /// gradient for gradNorm and the counts, and the global norms measured
  /// on `before` and `after`; `backward` false searches forward.
  static func report(
    _ named: [(name: String, tensor: Tensor)], _ gradientsBefore: [[Double]?], _ valuesBefore: [[Double]],
    parameterGradient: (Int) -> [Double], before: [[Double]], after: [[Double]],
    isBad: (Double) -> Bool = { !$0.isFinite }, backward: Bool = true
  ) throws -> GradientReport {
    guard gradientsBefore.count == named.count, valuesBefore.count == named.count else {
      throw WorkbookError.invalidArgument(
        function: "gradientReport",
        detail: "expected one gradient and one set of values per parameter (\(named.count)), got "
          + "\(gradientsBefore.count) and \(valuesBefore.count)")
    }
    var entries: [ParameterHealth] = []
    for (index, ((name, tensor), old)) in zip(named, valuesBefore).enumerated() {
      let gradient = parameterGradient(index)
      let moved = norm(zip(tensor.data, old).map { $0 - $1 })
      entries.append(
        ParameterHealth(
          name: name, gradNorm: norm(gradient), paramNorm: norm(old), updateRatio: moved == 0 ? 0 : moved / norm(old),
          nonFinite: gradient.filter(isBad).count))
    }
    let order = backward ? Array(entries.reversed()) : entries
    return GradientReport(
      parameters: entries, globalNormBefore: norm(before.flatMap { $0 }), globalNormAfter: norm(after.flatMap { $0 }),
      firstNonFinite: order.first { $0.nonFinite > 0 }?.name)
  }

  static func reportGradNormAfterClipping(
    _ named: [(name: String, tensor: Tensor)], gradientsBefore: [[Double]?], valuesBefore: [[Double]]
  ) throws -> GradientReport {
    // BUG: each parameter's gradNorm (and count) from .grad, after clipping.
    try report(
      named, gradientsBefore, valuesBefore, parameterGradient: { named[$0].tensor.grad?.data ?? [] },
      before: gradientsBefore.compactMap { $0 }, after: named.compactMap { $0.tensor.grad?.data })
  }

  static func reportGlobalBeforeFromGrad(
    _ named: [(name: String, tensor: Tensor)], gradientsBefore: [[Double]?], valuesBefore: [[Double]]
  ) throws -> GradientReport {
    // BUG: globalNormBefore from .grad, which holds the clipped gradient.
    try report(
      named, gradientsBefore, valuesBefore, parameterGradient: { gradientsBefore[$0] ?? [] },
      before: named.compactMap { $0.tensor.grad?.data }, after: named.compactMap { $0.tensor.grad?.data })
  }

  static func reportGlobalAfterFromCopy(
    _ named: [(name: String, tensor: Tensor)], gradientsBefore: [[Double]?], valuesBefore: [[Double]]
  ) throws -> GradientReport {
    // BUG: globalNormAfter from the copy taken before clipping.
    try report(
      named, gradientsBefore, valuesBefore, parameterGradient: { gradientsBefore[$0] ?? [] },
      before: gradientsBefore.compactMap { $0 }, after: gradientsBefore.compactMap { $0 })
  }

  static func reportCountingInfinitiesOnly(
    _ named: [(name: String, tensor: Tensor)], gradientsBefore: [[Double]?], valuesBefore: [[Double]]
  ) throws -> GradientReport {
    // BUG: abs(g) > greatestFiniteMagnitude is false for NaN.
    try report(
      named, gradientsBefore, valuesBefore, parameterGradient: { gradientsBefore[$0] ?? [] },
      before: gradientsBefore.compactMap { $0 }, after: named.compactMap { $0.tensor.grad?.data },
      isBad: { abs($0) > .greatestFiniteMagnitude })
  }

  static func reportSearchingForward(
    _ named: [(name: String, tensor: Tensor)], gradientsBefore: [[Double]?], valuesBefore: [[Double]]
  ) throws -> GradientReport {
    // BUG: the search starts at the first parameter (forward order).
    try report(
      named, gradientsBefore, valuesBefore, parameterGradient: { gradientsBefore[$0] ?? [] },
      before: gradientsBefore.compactMap { $0 }, after: named.compactMap { $0.tensor.grad?.data }, backward: false)
  }
}

/// The reference functions of exercise 7, called with the labels a student
/// would type.
enum Solution7Calls {
  static func centralizeGradients(_ parameters: [Tensor]) throws {
    try ReferenceCode.code.ex7!.centralizeGradients(parameters)
  }

  static func gradientReport(
    _ named: [(name: String, tensor: Tensor)], gradientsBefore: [[Double]?], valuesBefore: [[Double]]
  ) throws -> GradientReport {
    try ReferenceCode.code.ex7!.gradientReport(named, gradientsBefore, valuesBefore)
  }
}
