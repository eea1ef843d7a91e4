import Contract

// An implementation of an exercise, as closures: the harness runs the
// student's, the answer key the reference's and its mistakes', the same way.

/// The implementations of the exercises that one program holds: each
/// exercise's grading program links only its own exercise (so one that
/// does not compile costs no other), the reference holds them all.
public struct WorkbookCode {
  public var ex1: NormClippingCode?
  public var ex2: ValueClippingCode?
  public var ex3: AccumulationCode?
  public var ex4: AccumulationClippingCode?
  public var ex5: MixedPrecisionCode?
  public var ex6: AccumulationLimitsCode?
  public var ex7: GradientHealthCode?

  public init(
    ex1: NormClippingCode? = nil, ex2: ValueClippingCode? = nil, ex3: AccumulationCode? = nil,
    ex4: AccumulationClippingCode? = nil, ex5: MixedPrecisionCode? = nil, ex6: AccumulationLimitsCode? = nil,
    ex7: GradientHealthCode? = nil
  ) {
    self.ex1 = ex1
    self.ex2 = ex2
    self.ex3 = ex3
    self.ex4 = ex4
    self.ex5 = ex5
    self.ex6 = ex6
    self.ex7 = ex7
  }
}
