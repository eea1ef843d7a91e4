// The grading and demo program of exercise 4: it links exercise 4's code
// and nothing else of the student's (see Package.swift). The loop is
// graded with the reference clipping, so exercise 1 does not count here.
import Grading
import WorkbookKit

#if WORKBOOK_SOLUTIONS
  import Solution4
#else
  import Exercise4
#endif

ExerciseRunner.main(
  .ex4, code: WorkbookCode(ex4: AccumulationClippingCode(trainWithAccumulationAndClipping: trainWithAccumulationAndClipping)))
