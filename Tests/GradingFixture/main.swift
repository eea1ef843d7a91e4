// A runner whose exercise-3 "student code" misbehaves on purpose, chosen by
// WORKBOOK_FIXTURE: it crashes, loops, ends the process, or tries to forge
// the observations in every way a student's code could. The tests in
// JudgeTests and WorkbookTests grade it through the same judge side
// (`RunnerObserver`) that `workbook check`, `workbook grade` and `swift
// test` use, and require that nothing it does passes a check.
import Foundation
import AnswerKey
import Harness
import WorkbookKit

var code = ReferenceCode.code
let name = ProcessInfo.processInfo.environment["WORKBOOK_FIXTURE"] ?? ""
if let misbehaviour = Misbehaving.all[name] {
  code.ex3 = AccumulationCode(trainWithAccumulation: misbehaviour)
}
ExerciseRunner.main(.ex3, code: code)
