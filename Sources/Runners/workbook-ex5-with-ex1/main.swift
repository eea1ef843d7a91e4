// Exercise 5's demo, its loop handed the student's own exercise-1 clipping.
import Contract
import Harness
import WorkbookKit

#if WORKBOOK_SOLUTIONS
  import Solution1
  import Solution5
#else
  import Exercise1
  import Exercise5
#endif

var code = WorkbookCode(
  ex5: MixedPrecisionCode(
    unscaleGradients: unscaleGradients, updateScale: updateScale, trainWithMixedPrecision: trainWithMixedPrecision))
code.ex1 = NormClippingCode(gradNorm: gradNorm, clipGradNorm: clipGradNorm, trainStep: trainStep)
ExerciseRunner.main(.ex5, code: code)
