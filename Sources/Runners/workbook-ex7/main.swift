// The grading and demo program of exercise 7: it links exercise 7's code
// and nothing else of the student's (see Package.swift).
import Contract
import Harness
import WorkbookKit

#if WORKBOOK_SOLUTIONS
  import Solution7
#else
  import Exercise7
#endif

ExerciseRunner.main(.ex7, code: WorkbookCode(
    ex7: GradientHealthCode(
      adaptiveGradClip: adaptiveGradClip, centralizeGradients: centralizeGradients, gradientReport: gradientReport,
      trainStepWithReport: trainStepWithReport)))
