import Grading
import Testing

extension WrongImplementation {
  /// Every deliberately wrong implementation, by exercise.
  static let catalogue: [WrongImplementation] = [
    // Exercise 1: gradient clipping by norm.
    .missingSquareRoot, .wrongPNormRoot, .nanLostInMax, .nanLostInMin, .clipsWeightsNotGradients,
    .perParameterNorm, .valueClipInsteadOfNorm, .returnsClippedNorm, .scalesUpSmallGradients,
    .missingEpsilon, .noZeroGradBeforeBackward, .trainStepReportsClippedNorm, .clipAfterStepInTrainStep,
    .rejectsZeroMaxNorm,
    // Exercise 2: gradient clipping by value.
    .normClipInsteadOfValue, .noZeroGradBeforeValueClippedBackward, .clampAfterStep, .cosineNotClamped,
    .rejectsZeroClipValue,
    // Exercise 3: gradient accumulation.
    .lossNotDivided, .zeroGradInsideWindow, .stepEveryMicroBatch, .noZeroGradAfterStep, .stepOffByOne,
    .partialWindowDropped, .partialWindowDividedBySteps, .meanOfMicroBatchMeans, .meanOfWindowLosses,
    .weightFromIntegerDivision,
    // Exercise 4: accumulation plus clipping.
    .clipEachMicroBatch, .clipAfterStep, .clipBeforeLastBackward, .recordsClippedNorm, .clippedLossNotDivided,
    .clippedZeroGradInsideWindow, .clippedNoZeroGradAfterStep, .clippedPartialWindowDividedBySteps,
    .thresholdTimesSteps, .validatesMaxNormLate,
    // Exercise 5: mixed precision with a dynamic loss scale.
    .clipBeforeUnscale, .unscalePerMicroBatch, .stepDespiteOverflow, .infCheckOnLossOnly, .infCheckAfterClip,
    .scaleNeverUpdated, .scaleUpdatedPerMicroBatch, .growthWithoutTrackerReset, .growthOnceWithoutTrackerReset,
    .unscaleTwice, .multiplyWhenUnscaling, .schedulerPerMicroBatch, .scheduleAdvancedOnSkip, .noZeroGradAfterSkip,
  ]
}

@Suite("The graders catch each classic mistake and name it", .tags(.catalogue))
struct MistakeCatalogueTests {
  @Test("Every mistake the graders know has a wrong implementation in the catalogue", arguments: Mistake.allCases)
  func catalogued(_ mistake: Mistake) {
    #expect(WrongImplementation.catalogue.contains { $0.expected == mistake })
  }

  @Test("Every mistake's heading is in each guide said to explain it", arguments: Mistake.allCases)
  func headingInGuides(_ mistake: Mistake) {
    #expect(!mistake.guides.isEmpty)
    for exercise in mistake.guides {
      let reference = GuideReference(mistake, checkedBy: exercise)
      #expect(reference.file == exercise.guideFile)
      #expect(reference.line != nil, "no “\(mistake.heading)” heading in \(exercise.guideFile)")
    }
  }

  /// Every (exercise, mistake) pair where a check of the exercise names the
  /// mistake for a catalogued wrong implementation.
  static let namedByExercise: [(Exercise, Mistake)] = {
    var pairs: [(Exercise, Mistake)] = []
    for wrong in WrongImplementation.catalogue {
      for mistake in wrong.alsoNamed.union(wrong.expected.map { [$0] } ?? []).sorted(by: { $0.rawValue < $1.rawValue })
      where !pairs.contains(where: { $0 == (wrong.exercise, mistake) }) {
        pairs.append((wrong.exercise, mistake))
      }
    }
    return pairs
  }()

  @Test("A mistake an exercise's checks can name is explained in that exercise's own guide", arguments: namedByExercise)
  func explainedBesideTheExercise(_ exercise: Exercise, _ mistake: Mistake) {
    #expect(mistake.guides.contains(exercise), "\(exercise.name) names \(mistake), but Mistake.guides leaves it out")
    let reference = GuideReference(mistake, checkedBy: exercise)
    #expect(reference.file == exercise.guideFile)
    #expect(reference.line != nil, "no “\(mistake.heading)” heading in \(exercise.guideFile)")
  }

  @Test("Catalogue entries have distinct names")
  func distinctNames() {
    let names = WrongImplementation.catalogue.map(\.name)
    #expect(Set(names).count == names.count)
  }

  @Test("A wrong implementation fails a check that names its mistake (or says what is wrong) and points to the guide",
    arguments: WrongImplementation.catalogue)
  func diagnosed(_ wrong: WrongImplementation) throws {
    let results = Grader.grade(wrong.exercise, code: wrong.code).results
    let failures = results.filter { $0.status == .failed }
    let summary = results.map { "\($0.check): \($0.status.rawValue)\($0.mistake.map { " (\($0))" } ?? "")" }
      .joined(separator: "; ")
    try #require(!failures.isEmpty, "no check of \(wrong.exercise.name) failed: \(summary)")
    guard let expected = wrong.expected else {
      // No name fits: the failure must say what is wrong in words.
      let diagnosis = try #require(wrong.diagnosis, "an unnamed wrong implementation needs a diagnosis to look for")
      #expect(
        failures.contains { $0.mistake == nil && $0.message.contains(diagnosis) },
        "no failing check says “\(diagnosis)”: \(failures.map(\.message))")
      return
    }
    let named = try #require(
      failures.first { $0.mistake == expected }, "no failing check named \(expected): \(summary)")
    let guide = try #require(named.guide, "\(named.check) names \(expected) but gives no guide reference")
    #expect(guide == GuideReference(expected, checkedBy: wrong.exercise))
    #expect(guide.file == wrong.exercise.guideFile, "the message points away from the exercise being graded")
    #expect(named.message.contains("Read \(guide.location)."), "the message does not send the student to the guide")
  }

  @Test("No check names another mistake than the one made", arguments: WrongImplementation.catalogue)
  func notMisnamed(_ wrong: WrongImplementation) {
    let allowed = wrong.alsoNamed.union(wrong.expected.map { [$0] } ?? [])
    let misnamed = Grader.grade(wrong.exercise, code: wrong.code).results.compactMap { result in
      result.mistake.flatMap { allowed.contains($0) ? nil : "\(result.check) names \($0): \(result.message)" }
    }
    #expect(misnamed.isEmpty, "\(misnamed.joined(separator: "\n"))")
  }

  @Test("The training check catches clipping after step(), which blows the exploding RNN up",
    arguments: [WrongImplementation.clipAfterStepInTrainStep, .clampAfterStep])
  func trainingBlowsUp(_ wrong: WrongImplementation) throws {
    let result = try CheckCase(exercise: wrong.exercise, id: "training").run(on: wrong.code)
    #expect(result.status == .failed)
    #expect(result.mistake == .clipAtWrongTime, "\(result.message)")
    #expect(result.message.contains("your run blew up"), "\(result.message)")
  }

  @Test("A loss not divided is named even where clipping hides most of it")
  func nearlyHiddenByClipping() throws {
    // An RNN's gradient is far above maxNorm: the undivided sum is clipped
    // to the same length as the right gradient, off only by the 1e-6 in
    // the factor.
    let wrong = WrongImplementation.clippedLossNotDivided
    let result = try CheckCase(exercise: .ex4, id: "recurrent-model").run(on: wrong.code)
    #expect(result.status == .failed)
    #expect(result.mistake == .lossNotDivided, "\(result.message)")
  }
}
