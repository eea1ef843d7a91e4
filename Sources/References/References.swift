import Autograd
import Grading
import Solution1
import Solution2
import Solution3
import Solution4
import Solution5

/// The reference solutions in Solutions/, as the graders and demos take
/// them. The student's code is wired in each exercise's runner
/// (Sources/Runners), never here: the `workbook` command links this, and
/// it must build whatever state Exercises/ is in.
public enum References {
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
      trainWithMixedPrecision: Solution5.trainWithMixedPrecision))
}
