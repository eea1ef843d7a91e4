// The grading and demo program of exercise 2: it links exercise 2's code
// and nothing else of the student's (see Package.swift).
import Contract
import Harness
import WorkbookKit

#if WORKBOOK_SOLUTIONS
  import Solution2
#else
  import Exercise2
#endif

ExerciseRunner.main(.ex2, code: WorkbookCode(
    ex2: ValueClippingCode(clipGradValue: clipGradValue, trainStep: trainStep, compareClipping: compareClipping)))
