// The grading and demo program of exercise 5: it links exercise 5's code
// and nothing else of the student's (see Package.swift).
import Contract
import Harness
import WorkbookKit

#if WORKBOOK_SOLUTIONS
  import Solution5
#else
  import Exercise5
#endif

ExerciseRunner.main(.ex5, code: WorkbookCode(
    ex5: MixedPrecisionCode(
      unscaleGradients: unscaleGradients, updateScale: updateScale, trainWithMixedPrecision: trainWithMixedPrecision)))
