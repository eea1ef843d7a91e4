import Autograd
import Contract
import Judge
import Solution1
import Solution2
import Solution3
import Solution4
import Solution5
import Solution6
import Solution7

/// The reference solutions in Solutions/, as the answer key runs them and
/// the instructor's demos show them.
public enum ReferenceCode {
  public static let code = WorkbookCode(
    ex1: NormClippingCode(
      gradNorm: Solution1.gradNorm, clipGradNorm: Solution1.clipGradNorm, trainStep: Solution1.trainStep),
    ex2: ValueClippingCode(
      clipGradValue: Solution2.clipGradValue, trainStep: Solution2.trainStep,
      compareClipping: Solution2.compareClipping),
    ex3: AccumulationCode(trainWithAccumulation: Solution3.trainWithAccumulation),
    ex4: AccumulationClippingCode(trainWithAccumulationAndClipping: Solution4.trainWithAccumulationAndClipping),
    ex5: MixedPrecisionCode(
      unscaleGradients: Solution5.unscaleGradients, updateScale: Solution5.updateScale,
      trainWithMixedPrecision: Solution5.trainWithMixedPrecision),
    ex6: AccumulationLimitsCode(
      trainWithTokenAccumulation: Solution6.trainWithTokenAccumulation, trainDataParallel: Solution6.trainDataParallel,
      clipGradNormAcrossWorkers: Solution6.clipGradNormAcrossWorkers,
      clipGradValueAcrossWorkers: Solution6.clipGradValueAcrossWorkers),
    ex7: GradientHealthCode(
      adaptiveGradClip: Solution7.adaptiveGradClip, centralizeGradients: Solution7.centralizeGradients,
      gradientReport: Solution7.gradientReport, trainStepWithReport: Solution7.trainStepWithReport))

  /// Exercise 1's reference `clipGradNorm`, as the clipping handed to the
  /// loops of exercises 4 and 5 when the key runs them.
  public static let clipper = GradNormClipper {
    try Solution1.clipGradNorm($0, maxNorm: $1, normType: $2, errorIfNonfinite: $3)
  }
}

extension WorkbookCode {
  /// The reference, with one exercise's part replaced.
  static func reference(ex1: NormClippingCode? = nil, ex2: ValueClippingCode? = nil, ex3: AccumulationCode? = nil,
    ex4: AccumulationClippingCode? = nil, ex5: MixedPrecisionCode? = nil) -> WorkbookCode
  {
    var code = ReferenceCode.code
    if let ex1 { code.ex1 = ex1 }
    if let ex2 { code.ex2 = ex2 }
    if let ex3 { code.ex3 = ex3 }
    if let ex4 { code.ex4 = ex4 }
    if let ex5 { code.ex5 = ex5 }
    return code
  }
}
