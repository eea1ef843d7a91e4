// The grading and demo program of exercise 4: it links exercise 4's code
// and nothing else of the student's (see Package.swift).
import Contract
import Harness
import WorkbookKit

#if WORKBOOK_SOLUTIONS
  import Solution4
#else
  import Exercise4
#endif

ExerciseRunner.main(.ex4, code: WorkbookCode(ex4: AccumulationClippingCode(trainWithAccumulationAndClipping: trainWithAccumulationAndClipping)))
