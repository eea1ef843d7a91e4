// Exercise 2's demo compares value clipping with the student's own norm clipping.
import Contract
import Harness
import WorkbookKit

#if WORKBOOK_SOLUTIONS
  import Solution1
  import Solution2
#else
  import Exercise1
  import Exercise2
#endif

var code = WorkbookCode(
  ex2: ValueClippingCode(clipGradValue: clipGradValue, trainStep: trainStep, compareClipping: compareClipping))
code.ex1 = NormClippingCode(gradNorm: gradNorm, clipGradNorm: clipGradNorm, trainStep: trainStep)
ExerciseRunner.main(.ex2, code: code)
