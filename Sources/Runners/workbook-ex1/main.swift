// The grading and demo program of exercise 1: it links exercise 1's code
// and nothing else of the student's (see Package.swift).
import Contract
import Harness
import WorkbookKit

#if WORKBOOK_SOLUTIONS
  import Solution1
#else
  import Exercise1
#endif

ExerciseRunner.main(.ex1, code: WorkbookCode(
    ex1: NormClippingCode(gradNorm: gradNorm, clipGradNorm: clipGradNorm, trainStep: trainStep)))
