/// Everything a check judges: for each scenario it ran, what the student's
/// code did and what the answer key says.
public struct Evidence: Sendable {
  public struct Item: Sendable {
    public var scenario: Scenario
    public var student: Observation
    public var answer: Answer

    public init(scenario: Scenario, student: Observation, answer: Answer) {
      self.scenario = scenario
      self.student = student
      self.answer = answer
    }
  }

  public var items: [Item]

  public init(items: [Item]) { self.items = items }

  /// The first unfilled stub the code met, if any.
  var notImplemented: Thrown? {
    items.lazy.compactMap { $0.student.outcome.thrown }.first { $0.kind == .notImplemented }
  }
}
