// Exercise 4's loop handed the student's own exercise-1 clipping: what
// `workbook check ex4` reports, unscored, under the graded checks.
import Autograd
import Contract
import Grading
import WorkbookKit

#if WORKBOOK_SOLUTIONS
  import Solution1
  import Solution4
#else
  import Exercise1
  import Exercise4
#endif

ExerciseRunner.main(
  .ex4,
  code: WorkbookCode(
    ex4: AccumulationClippingCode(
      trainWithAccumulationAndClipping: trainWithAccumulationAndClipping,
      clipper: GradNormClipper { try clipGradNorm($0, maxNorm: $1, normType: $2, errorIfNonfinite: $3) })))
