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

/// A call of the handed clipping and its result. The gradient it was
/// called on is kept as a digest (`Snapshot`): enough to recognise it
/// again, without the answer data growing with every call's gradient.
public struct ClipRecord: Codable, Sendable {
  public struct Question: Codable, Sendable {
    public var digest: [Double]
    public var maxNorm: Double
    public var normType: Double
    public var errorIfNonfinite: Bool
  }

  public var question: Question
  public var answer: ClipAnswer

  public init(question: ClipQuestion, answer: ClipAnswer) {
    self.question = Question(
      digest: Snapshot(question.gradients.map { $0 ?? [] }, whole: false).flat, maxNorm: question.maxNorm,
      normType: question.normType, errorIfNonfinite: question.errorIfNonfinite)
    self.answer = answer
  }

  /// Whether this record answers a call with `other`'s arguments.
  public func asks(_ other: Question) -> Bool {
    question.maxNorm == other.maxNorm && question.normType == other.normType
      && question.errorIfNonfinite == other.errorIfNonfinite
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
    let asked = ClipRecord(question: question, answer: .unknown).question
    for record in clips
    where record.asks(asked) && Agreement.distance(asked.digest, record.question.digest) <= 1e-9 {
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
