import Autograd
import Contract
import Judge

// The reference solutions, as the known mistakes call them. A known mistake
// is the reference with one bug: inside it, the unchanged helpers it calls
// (`clipGradNorm`, `gradNorm`) are the reference's, read with the labels a
// student would type.

enum Reference {
  static let code = Parts(
    ex1: ReferenceCode.code.ex1!, ex2: ReferenceCode.code.ex2!, ex3: ReferenceCode.code.ex3!,
    ex4: ReferenceCode.code.ex4!, ex5: ReferenceCode.code.ex5!)

  struct Parts {
    var ex1: NormClippingCode
    var ex2: ValueClippingCode
    var ex3: AccumulationCode
    var ex4: AccumulationClippingCode
    var ex5: MixedPrecisionCode
  }

  static func gradNorm(_ parameters: [Tensor], normType: Double = 2) throws -> Double {
    try code.ex1.gradNorm(parameters, normType)
  }

  @discardableResult
  static func clipGradNorm(
    _ parameters: [Tensor], maxNorm: Double, normType: Double = 2, errorIfNonfinite: Bool = false
  ) throws -> Double {
    try code.ex1.clipGradNorm(parameters, maxNorm, normType, errorIfNonfinite)
  }

  static func clipGradValue(_ parameters: [Tensor], clipValue: Double) throws {
    try code.ex2.clipGradValue(parameters, clipValue)
  }

  static func unscaleGradients(_ parameters: [Tensor], scale: Double) throws -> Bool {
    try code.ex5.unscaleGradients(parameters, scale)
  }

  static func updateScale(_ lossScale: inout LossScale, foundInf: Bool) throws {
    try code.ex5.updateScale(&lossScale, foundInf)
  }
}
