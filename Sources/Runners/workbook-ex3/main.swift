// The grading and demo program of exercise 3: it links exercise 3's code
// and nothing else of the student's (see Package.swift).
import Contract
import Harness
import WorkbookKit

#if WORKBOOK_SOLUTIONS
  import Solution3
#else
  import Exercise3
#endif

ExerciseRunner.main(.ex3, code: WorkbookCode(ex3: AccumulationCode(trainWithAccumulation: trainWithAccumulation)))
