/// A failed expectation, with what it most likely means: thrown by a
/// check's judgement to end it.
public struct Finding: Error, Sendable {
  public var message: String
  /// The mistakes whose runs match the student's, most often one.
  public var mistakes: [Mistake]

  public init(_ message: String, mistakes: [Mistake] = []) {
    self.message = message
    self.mistakes = mistakes
  }

  public init(_ message: String, mistake: Mistake?) {
    self.init(message, mistakes: mistake.map { [$0] } ?? [])
  }
}
