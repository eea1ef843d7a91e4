@testable import AnswerKey
import Judge
import Testing

/// Wrong implementations a student writes that are not in the answer key's
/// catalogue: written another way, each must still be named as the
/// catalogue's mistake. They prove the judge recognises a mistake by what
/// the code does, not by being the very code the key runs.
struct StudentMistake: CustomTestStringConvertible, @unchecked Sendable {
  var name: String
  var exercise: Exercise
  /// The mistakes that may be named; at least one must be.
  var named: Set<Mistake>
  var code: WorkbookCode

  var testDescription: String { "\(name) in \(exercise.name)" }

  static let all: [StudentMistake] = [
    StudentMistake(
      name: "the window's losses averaged into one tensor, one backward() per window", exercise: .ex3,
      named: [.meanOfMicroBatchMeans, .oneBackwardPerWindow, .partialWindowDividedBySteps],
      code: .reference(ex3: AccumulationCode(trainWithAccumulation: WrongAccumulation.meanOfWindowLosses))),
    StudentMistake(
      name: "each worker's mean, summed by the all-reduce and divided by the world size", exercise: .ex6,
      named: [.meanOfWorkerMeans],
      code: .reference(ex6: .reference(workers: StudentWrittenMistakes.meanOfWorkerMeansBySum))),
    StudentMistake(
      name: "AGC per tensor, with squared norms", exercise: .ex7, named: [.agcPerTensor],
      code: {
        var code = ReferenceCode.code
        code.ex7 = .replacing(adaptiveGradClip: StudentGradientHealth.agcPerTensorSquared)
        return code
      }()),
    StudentMistake(
      name: "NaN lost in Swift's max", exercise: .ex7, named: [.nanCountedAsFinite],
      code: {
        var code = ReferenceCode.code
        code.ex7 = .replacing(gradientReport: StudentGradientHealth.reportCheckingLargest)
        return code
      }()),
  ]
}

@Suite("The judge names each classic mistake", .tags(.catalogue))
struct MistakeCatalogueTests {
  @Test("Every mistake the judge knows has a wrong implementation in the key", arguments: Mistake.allCases)
  func catalogued(_ mistake: Mistake) {
    #expect(KnownMistake.catalogue.contains { $0.mistake == mistake })
  }

  @Test("Every mistake's heading is in each guide said to explain it", arguments: Mistake.allCases)
  func headingInGuides(_ mistake: Mistake) {
    #expect(!mistake.guides.isEmpty)
    for exercise in mistake.guides {
      let reference = GuideSection(mistake, checkedBy: exercise)
      #expect(reference.file == exercise.guideFile)
      #expect(reference.line != nil, "no “\(mistake.heading)” heading in \(exercise.guideFile)")
    }
  }

  @Test("A mistake named by an exercise's checks is explained in that exercise's own guide",
    arguments: KnownMistake.catalogue)
  func explainedBesideTheExercise(_ known: KnownMistake) {
    for mistake in known.alsoNamed.union(known.mistake.map { [$0] } ?? []) {
      #expect(mistake.guides.contains(known.exercise), "\(known.exercise.name) names \(mistake)")
    }
  }

  @Test("Catalogue entries have distinct names")
  func distinctNames() {
    let names = KnownMistake.catalogue.map(\.name)
    #expect(Set(names).count == names.count)
  }

  static func grade(_ exercise: Exercise, _ code: WorkbookCode) -> [CheckResult] {
    Grader(answers: AnswerKey.shared).grade(exercise, observer: InProcessObserver(code: code)).results
  }

  @Test("A known mistake fails a check that names it (or says what it does) and points to the guide",
    arguments: KnownMistake.catalogue)
  func diagnosed(_ known: KnownMistake) throws {
    let results = Self.grade(known.exercise, known.code)
    let failures = results.filter { $0.status == .failed }
    let summary = results.map { "\($0.check): \($0.status.rawValue) \($0.mistakes)" }.joined(separator: "; ")
    try #require(!failures.isEmpty, "no check of \(known.exercise.name) failed: \(summary)")
    guard let expected = known.mistake else {
      #expect(failures.contains { $0.message.contains(known.explanation) }, "\(failures.map(\.message))")
      return
    }
    let named = try #require(failures.first { $0.mistakes == [expected] }, "no check named only \(expected): \(summary)")
    let guide = try #require(named.guides.first)
    #expect(guide == GuideSection(expected, checkedBy: known.exercise))
    #expect(named.message.contains("Read \(guide.location)."), "the message does not send the student to the guide")
  }

  @Test("No check names another mistake than the one made", arguments: KnownMistake.catalogue)
  func notMisnamed(_ known: KnownMistake) {
    let allowed = known.alsoNamed.union(known.mistake.map { [$0] } ?? [])
    let misnamed = Self.grade(known.exercise, known.code).flatMap { result in
      result.mistakes.filter { !allowed.contains($0) }.map { "\(result.check) names \($0): \(result.message)" }
    }
    #expect(misnamed.isEmpty, "\(misnamed.joined(separator: "\n"))")
  }

  @Test("A mistake written another way is named too", arguments: StudentMistake.all)
  func studentWritten(_ wrong: StudentMistake) {
    let results = Self.grade(wrong.exercise, wrong.code)
    let names = Set(results.flatMap(\.mistakes))
    #expect(!names.isEmpty && names.isSubset(of: wrong.named), "\(results.map { "\($0.check): \($0.mistakes)" })")
  }
}
