/// The hints about one function of an exercise.
public struct HintGroup: Sendable, Equatable {
  /// The function, as the exercise file names it; "Challenge" for the
  /// hints about the Challenge.
  public var function: String
  public var hints: [String]

  public init(_ function: String, _ hints: [String]) {
    self.function = function
    self.hints = hints
  }
}
