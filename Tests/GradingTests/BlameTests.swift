import Grading
import Testing

/// Exercise 1 and 2 entries whose one bug is in a clip or norm function;
/// their trainStep is the reference's, calling that function as a
/// student's trainStep calls their own.
extension WrongImplementation {
  static let calleeOnly: [WrongImplementation] = [
    .missingSquareRoot, .wrongPNormRoot, .nanLostInMax, .nanLostInMin, .clipsWeightsNotGradients, .perParameterNorm,
    .valueClipInsteadOfNorm, .returnsClippedNorm, .scalesUpSmallGradients, .missingEpsilon, .rejectsZeroMaxNorm,
    .normClipInsteadOfValue, .rejectsZeroClipValue,
  ]

  /// Those of them whose bug changes the single step of the train-step check.
  static let changesTheStep: [WrongImplementation] = [
    .missingSquareRoot, .clipsWeightsNotGradients, .perParameterNorm, .valueClipInsteadOfNorm, .returnsClippedNorm,
    .missingEpsilon, .normClipInsteadOfValue,
  ]
}

@Suite("A failing check blames the function that is wrong, not its caller", .tags(.catalogue))
struct BlameTests {
  @Test("A trainStep check that fails says trainStep is right", arguments: WrongImplementation.calleeOnly)
  func callerNotBlamed(_ wrong: WrongImplementation) {
    let failures = Grader.grade(wrong.exercise, code: wrong.code).results.filter {
      ["train-step", "training"].contains($0.check) && $0.status == .failed
    }
    for failure in failures {
      #expect(failure.message.contains("trainStep itself is right"), "\(failure.check): \(failure.message)")
      #expect(failure.mistake == wrong.expected, "\(failure.check) names \(String(describing: failure.mistake))")
    }
  }

  @Test("The train-step check fails on the function trainStep calls, naming its mistake",
    arguments: WrongImplementation.changesTheStep)
  func calleeNamed(_ wrong: WrongImplementation) throws {
    let result = try CheckCase(exercise: wrong.exercise, id: "train-step").run(on: wrong.code)
    #expect(result.status == .failed)
    #expect(result.message.hasPrefix("trainStep itself is right"), "\(result.message)")
    #expect(result.mistake == wrong.expected, "\(result.message)")
  }
}

/// Exercise 5 entries whose one bug is in `unscaleGradients` or
/// `updateScale`, with the reference loop calling them.
extension WrongImplementation {
  static let scalerPieceOnly: [WrongImplementation] = [
    .growthWithoutTrackerReset, .growthOnceWithoutTrackerReset, .unscaleTwice, .multiplyWhenUnscaling,
  ]
}

@Suite("Exercise 5: a failing loop check blames the scaler's piece that is wrong", .tags(.catalogue))
struct ScalerBlameTests {
  static let loopChecks = [
    "double-equivalence", "half-precision", "overflow-skips", "scale-grows", "schedule", "recurrent-model",
  ]

  @Test("A loop check that fails says the loop may be right, and names the piece's mistake",
    arguments: WrongImplementation.scalerPieceOnly)
  func pieceBlamed(_ wrong: WrongImplementation) {
    let failures = Grader.grade(.ex5, code: wrong.code).results.filter {
      Self.loopChecks.contains($0.check) && $0.status == .failed
    }
    #expect(!failures.isEmpty, "no loop check failed")
    for failure in failures {
      #expect(failure.message.hasPrefix("The loop may be right"), "\(failure.check): \(failure.message)")
      #expect(failure.mistake == wrong.expected, "\(failure.check) names \(String(describing: failure.mistake))")
    }
  }

  @Test("The loop checks are the ones the grader runs")
  func loopChecksExist() {
    #expect(Set(Self.loopChecks).isSubset(of: Set(Grader.checkIDs(.ex5))))
  }
}
