import Autograd
import Grading
import References

// The reference solutions, as the deliberately wrong and the alternative
// implementations of this test target call them.
//
// A wrong implementation is the reference with one bug: its exercise's
// part is replaced and every other exercise stays the reference, so a
// failure can only come from that one bug. Inside a wrong implementation,
// the unchanged helpers it calls (`clipGradNorm`, `gradNorm`) are the
// reference's, read with the same labels a student would type.

enum Reference {
  /// The reference solutions, each exercise's part at hand (the test
  /// target always holds them all).
  static let code = Parts(
    ex1: References.code.ex1!, ex2: References.code.ex2!, ex3: References.code.ex3!, ex4: References.code.ex4!,
    ex5: References.code.ex5!)

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

extension WorkbookCode {
  /// The reference, with exercise 1 replaced.
  static func reference(ex1: NormClippingCode) -> WorkbookCode {
    var code = References.code
    code.ex1 = ex1
    return code
  }

  /// The reference, with exercise 2 replaced.
  static func reference(ex2: ValueClippingCode) -> WorkbookCode {
    var code = References.code
    code.ex2 = ex2
    return code
  }

  /// The reference, with exercise 3 replaced.
  static func reference(ex3: AccumulationCode) -> WorkbookCode {
    var code = References.code
    code.ex3 = ex3
    return code
  }

  /// The reference, with exercise 4 replaced.
  static func reference(ex4: AccumulationClippingCode) -> WorkbookCode {
    var code = References.code
    code.ex4 = ex4
    return code
  }

  /// The reference, with exercise 5 replaced.
  static func reference(ex5: MixedPrecisionCode) -> WorkbookCode {
    var code = References.code
    code.ex5 = ex5
    return code
  }
}
