@testable import AnswerKey
import Harness
import Judge
import Testing

/// The messages a student met doing the exercises (issue #15, section 4),
/// each pinned with wrong code that triggers it: what was observed, as
/// numbers, and the likeliest mistake, never a fix the code already has.
@Suite("Messages blame the right thing", .tags(.catalogue))
struct MessageTests {
  static func failure(_ exercise: Exercise, _ check: String, _ code: WorkbookCode) throws -> CheckResult {
    let result = try CheckCase(exercise: exercise, id: check).run(on: code)
    try #require(result.status == .failed, "\(check) did not fail: \(result.message)")
    return result
  }

  @Test(
    "At exactly maxNorm, per-parameter code with min(1, …) or an if is told of its per-parameter norms",
    arguments: [StudentCode.perParameterWithMin, StudentCode.perParameterWithIf])
  func perParameterAtThreshold(_ code: WorkbookCode) throws {
    let result = try Self.failure(.ex1, "clip-at-threshold", code)
    #expect(result.mistakes == [.perParameterNorm], "\(result.message)")
    #expect(result.message.contains("After clipGradNorm, the gradients are [[3, 4], [12]]"))
    #expect(!result.message.contains("min(1"), "\(result.message)")
    #expect(!result.message.contains("1e-6"), "\(result.message)")
  }

  @Test("A NaN lost from the factor: the gradients got and expected, no distance")
  func nanFactor() throws {
    let result = try Self.failure(.ex1, "non-finite", StudentCode.nanFactorOne)
    #expect(
      result.message.hasPrefix("After clipGradNorm, the gradients are [[1, nan], [2]]; expected [[nan, nan], [nan]]"))
    #expect(result.mistakes == [.nanLostInMinMax])
    #expect(!result.message.contains("inf (relative"))
    #expect(!result.message.contains("min(1, maxNorm"), "no prescription of the min(1, …) the code has")
  }

  @Test("An error thrown after the gradients changed is said as such")
  func throwsTooLate() throws {
    let result = try Self.failure(.ex1, "non-finite", StudentCode.throwsAfterScaling)
    #expect(result.message.contains("threw “"), "\(result.message)")
    #expect(
      result.message.contains("as it should, but only after changing the gradients: they are [[nan, nan], [nan]]"))
    #expect(result.message.contains("expected [[1, nan], [2]]"))
  }

  @Test("clipValue 0: the vectors and angles as numbers, and the NaN behind the angle")
  func zeroLengthAngle() throws {
    let result = try Self.failure(.ex2, "zero-clip-value", StudentCode.angleWithoutZeroLength)
    #expect(result.message.contains("[0, 0] by norm, [0, 0] by value"), "\(result.message)")
    #expect(result.message.contains("the angles are 180° by norm and 180° by value; expected 0° and 0°"))
    #expect(result.message.contains("0 / 0, which is NaN"))
    #expect(!result.message.contains("-0"))
    #expect(!result.message.contains("\""), "numbers are not quoted: \(result.message)")
  }

  @Test("Fewer losses than steps: the steps the loop took are counted")
  func lossCount() throws {
    let result = try Self.failure(.ex3, "window-losses", StudentCode.lossesOfFullWindows)
    #expect(
      result.message.hasPrefix("trainWithAccumulation returned 2 value(s) [") && result.message.contains(
        "for the 3 optimizer step(s) it took; expected one per step: ["), "\(result.message)")
  }

  @Test("Training that steps too often counts its steps and shows its losses as numbers")
  func trainingCount() throws {
    let result = try Self.failure(.ex3, "training", KnownMistake.stepEveryMicroBatch.code)
    #expect(
      result.message.hasPrefix("The loop took 60 optimizer step(s) and returned 15 loss(es) ["), "\(result.message)")
    #expect(result.message.contains("expected 15 steps, one per window"))
    #expect(result.message.contains("60 micro-batches of 8"))
  }

  @Test("Training whose loss does not fall says so over the steps it took")
  func trainingLosses() throws {
    let result = try Self.failure(.ex3, "training", KnownMistake.stepOffByOne.code)
    #expect(
      result.message.hasPrefix(
        "Over its 15 optimizer steps the loss did not fall: the returned losses went from 0.309 to "),
      "\(result.message)")
  }

  @Test("Integer-division weights: the losses as numbers")
  func integerWeights() throws {
    let result = try Self.failure(.ex3, "training", KnownMistake.weightFromIntegerDivision.code)
    #expect(result.message.hasPrefix("Over its 15 optimizer steps the loss did not fall"), "\(result.message)")
    #expect(!result.message.contains("\""), "\(result.message)")
  }

  @Test("Scenarios are described with numbers, never quoted strings", arguments: CheckCase.all)
  func scenarioNumbers(_ check: CheckCase) throws {
    let found = try #require(Grader.checks(check.exercise).first { $0.id == check.id })
    for request in found.requests(.public) {
      #expect(!request.scenario.description.contains("\""), "\(request.scenario)")
    }
  }
}
