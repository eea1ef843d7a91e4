// Exercise 7's demo compares adaptive clipping with the student's own norm
// clipping from exercise 1.
import Contract
import Harness
import WorkbookKit

#if WORKBOOK_SOLUTIONS
  import Solution1
  import Solution7
#else
  import Exercise1
  import Exercise7
#endif

var code = WorkbookCode(
  ex7: GradientHealthCode(
    adaptiveGradClip: adaptiveGradClip, centralizeGradients: centralizeGradients, gradientReport: gradientReport,
    trainStepWithReport: trainStepWithReport))
code.ex1 = NormClippingCode(gradNorm: gradNorm, clipGradNorm: clipGradNorm, trainStep: trainStep)
ExerciseRunner.main(.ex7, code: code)
