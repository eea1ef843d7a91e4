// The grading and demo program of exercise 6: it links exercise 6's code
// and nothing else of the student's (see Package.swift).
import Contract
import Harness
import WorkbookKit

#if WORKBOOK_SOLUTIONS
  import Solution6
#else
  import Exercise6
#endif

ExerciseRunner.main(.ex6, code: WorkbookCode(
    ex6: AccumulationLimitsCode(
      trainWithTokenAccumulation: trainWithTokenAccumulation, trainDataParallel: trainDataParallel,
      clipGradNormAcrossWorkers: clipGradNormAcrossWorkers, clipGradValueAcrossWorkers: clipGradValueAcrossWorkers)))
