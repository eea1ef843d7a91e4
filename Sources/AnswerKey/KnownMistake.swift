import Judge

/// A wrong implementation of one exercise, as students write it, and the
/// mistake it is: the answer key runs it on every scenario, so the judge
/// can name the mistake when a student's run matches its run.
///
/// `code` is the reference with only `exercise`'s part replaced, so every
/// difference comes from that one mistake.
public struct KnownMistake: Sendable, CustomStringConvertible {
  /// The entry's name, unique in the catalogue ("stepOffByOne").
  public var name: String
  /// The guide's name for it; nil for a slip no guide section is about
  /// (the judge then says what it does without a name).
  public var mistake: Mistake?
  public var exercise: Exercise
  /// What the code does, as a clause after "That is what happens when".
  public var explanation: String
  /// The function that holds the mistake.
  public var function: String
  public var code: WorkbookCode
  /// Other mistakes the same code really is in some scenarios (dividing
  /// every loss by accumulationSteps also weighs unequal micro-batches
  /// equally): the self-tests accept these names for it too.
  public var alsoNamed: Set<Mistake>

  public init(
    _ name: String, _ mistake: Mistake?, exercise: Exercise, function: String, _ explanation: String,
    code: WorkbookCode, alsoNamed: Set<Mistake> = []
  ) {
    self.name = name
    self.mistake = mistake
    self.exercise = exercise
    self.function = function
    self.explanation = explanation
    self.code = code
    self.alsoNamed = alsoNamed
  }

  public var description: String { "\(name) in \(exercise.name): \(explanation)" }
}

// The closures in `code` are functions of this module and of the reference
// solutions; they capture no mutable state.
extension WorkbookCode: @unchecked Sendable {}
