import Autograd
import Grading
import Implementations

// The reference solutions, as the deliberately wrong and the alternative
// implementations of this test target call them.
//
// A wrong implementation is the reference with one bug: its exercise's
// part is replaced and every other exercise stays the reference, so a
// failure can only come from that one bug. Inside a wrong implementation,
// the unchanged helpers it calls (`clipGradNorm`, `gradNorm`) are the
// reference's, read with the same labels a student would type.

enum Reference {
  static let code = Implementations.solutions

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
}

extension WorkbookCode {
  /// The reference, with exercise 1 replaced.
  static func reference(ex1: NormClippingCode) -> WorkbookCode {
    var code = Reference.code
    code.ex1 = ex1
    return code
  }

  /// The reference, with exercise 2 replaced.
  static func reference(ex2: ValueClippingCode) -> WorkbookCode {
    var code = Reference.code
    code.ex2 = ex2
    return code
  }

  /// The reference, with exercise 3 replaced.
  static func reference(ex3: AccumulationCode) -> WorkbookCode {
    var code = Reference.code
    code.ex3 = ex3
    return code
  }

  /// The reference, with exercise 4 replaced.
  static func reference(ex4: AccumulationClippingCode) -> WorkbookCode {
    var code = Reference.code
    code.ex4 = ex4
    return code
  }
}
