/// What the answer key's code does in one scenario: the right run, the
/// run of each known mistake that differs from it, and every call of the
/// handed clipping those runs made, with its result.
public struct Answer: Codable, Sendable {
  public var expected: Observation
  public var mistakes: [MistakeRun]
  public var clips: [ClipRecord]

  public init(expected: Observation, mistakes: [MistakeRun], clips: [ClipRecord]) {
    self.expected = expected
    self.mistakes = mistakes
    self.clips = clips
  }
}

/// One known mistake's run of a scenario.
public struct MistakeRun: Codable, Sendable {
  /// The wrong implementation's name in the key, the same in every scenario.
  public var variant: String
  /// The guide's name for it; nil for a slip no guide section is about.
  public var mistake: Mistake?
  /// What the wrong code does, as a clause: "each loss was not divided".
  public var explanation: String
  /// The function that holds the mistake ("gradNorm"), which may not be
  /// the one the check is about.
  public var function: String
  public var observation: Observation

  public init(variant: String, mistake: Mistake?, explanation: String, function: String, observation: Observation) {
    self.variant = variant
    self.mistake = mistake
    self.explanation = explanation
    self.function = function
    self.observation = observation
  }
}

/// A call of the handed clipping and its result.
public struct ClipRecord: Codable, Sendable {
  public var question: ClipQuestion
  public var answer: ClipAnswer

  public init(question: ClipQuestion, answer: ClipAnswer) {
    self.question = question
    self.answer = answer
  }
}

/// Where the judge gets its answers: the answer key itself (the full
/// workbook), or the data it wrote (a student's copy, an autograder).
public protocol AnswerSource: Sendable {
  func answer(_ request: Request) throws -> Answer
}

extension Answer {
  /// The clipping the judge hands the student's loop: the recorded result
  /// of a call on the same gradient (within 1e-9, relative), else
  /// `.unknown`. So the student's loop gets exactly what the reference
  /// and each known mistake got, and a loop that goes wrong elsewhere is
  /// stopped where it first clips a gradient nobody expected.
  public func clipping(_ question: ClipQuestion) -> ClipAnswer {
    for record in clips
    where record.question.maxNorm == question.maxNorm && record.question.normType == question.normType
      && record.question.errorIfNonfinite == question.errorIfNonfinite
      && Agreement.distance(record.question.gradients, question.gradients) <= 1e-9
    {
      return record.answer
    }
    return .unknown
  }
}

/// An answer the judge could not find or load.
public struct MissingAnswer: Error, CustomStringConvertible {
  public var description: String
  public init(_ description: String) { self.description = description }
}
