// Exercise 4's loop handed the student's own exercise-1 clipping: its demo, and what
// `workbook check ex4` reports, unscored, under the graded checks.
import Contract
import Harness
import WorkbookKit

#if WORKBOOK_SOLUTIONS
  import Solution1
  import Solution4
#else
  import Exercise1
  import Exercise4
#endif

let clipper = GradNormClipper { try clipGradNorm($0, maxNorm: $1, normType: $2, errorIfNonfinite: $3) }
var code = WorkbookCode(
  ex4: AccumulationClippingCode(trainWithAccumulationAndClipping: trainWithAccumulationAndClipping))
code.ex4?.clipper = clipper
code.ex1 = NormClippingCode(gradNorm: gradNorm, clipGradNorm: clipGradNorm, trainStep: trainStep)
ExerciseRunner.main(.ex4, code: code)
