import AnswerKey
import Judge
import Testing

@Suite("The judge, on the answer key's own code")
struct ReferenceJudgeTests {
  @Test("The reference passes every check of every exercise", arguments: Exercise.allCases)
  func referencePasses(_ exercise: Exercise) {
    let report = Grader(answers: AnswerKey.shared).grade(exercise, observer: InProcessObserver(code: ReferenceCode.code))
    for result in report.results {
      #expect(result.passed, "\(result.check): \(result.message)")
    }
  }
}
