/// One graded property of an exercise: the scenarios it runs and how it
/// judges what the student's code did in them against the answer key.
public struct Check: Sendable {
  public let exercise: Exercise
  /// Stable id, e.g. "clip-above-threshold"; `swift test` names cases by it.
  public let id: String
  /// A sentence saying what must hold.
  public let title: String
  /// The function of the student's the check is about, where a failure
  /// is placed and hints start.
  public let function: String
  let makeScenarios: @Sendable (_ seeds: Seeds, _ salt: String) -> [Scenario]
  let judgement: @Sendable (Evidence) throws -> Void

  public init(
    _ exercise: Exercise, _ id: String, _ title: String, function: String,
    scenarios: @escaping @Sendable (_ seeds: Seeds, _ salt: String) -> [Scenario],
    judge: @escaping @Sendable (Evidence) throws -> Void
  ) {
    self.exercise = exercise
    self.id = id
    self.title = title
    self.function = function
    makeScenarios = scenarios
    judgement = judge
  }

  /// The requests this check sends, with its seeds.
  public func requests(_ seeds: Seeds) -> [Request] {
    makeScenarios(seeds, id).map { Request(exercise, $0) }
  }

  /// Whether the check's scenarios depend on its seeds: only then does an
  /// autograder's draw hide them.
  public var isSeeded: Bool {
    ProtocolCoding.encode(requests(.public)) != ProtocolCoding.encode(requests(Seeds(draw: 1)))
  }

  /// Judges `evidence` (one item per request, in order).
  public func judge(_ evidence: Evidence) -> CheckResult {
    func result(_ status: CheckResult.Status, _ message: String, _ mistakes: [Mistake] = []) -> CheckResult {
      CheckResult(
        exercise: exercise, check: id, title: title, status: status, message: message, mistakes: mistakes,
        guides: mistakes.map { GuideSection($0, checkedBy: exercise) })
    }
    if let stub = evidence.notImplemented {
      let number = stub.exercise ?? exercise.rawValue
      let file = Exercise(rawValue: number)?.sourceFile ?? "Exercises/"
      return result(
        .notImplemented, "\(stub.function ?? function) is not implemented yet: fill in TODO(ex\(number)) in \(file).")
    }
    do {
      try judgement(evidence)
      return result(.passed, "ok")
    } catch let finding as Finding {
      return result(.failed, finding.message + Self.pointers(finding.mistakes, exercise: exercise), finding.mistakes)
    } catch {
      return result(.failed, "internal error while judging: \(error)")
    }
  }

  /// "This looks like the mistake “X”. Read …:57." for each mistake named.
  static func pointers(_ mistakes: [Mistake], exercise: Exercise) -> String {
    guard !mistakes.isEmpty else { return "" }
    let references = mistakes.map { GuideSection($0, checkedBy: exercise) }
    if mistakes.count == 1 {
      return "\nThis looks like \(mistakes[0].label). Read \(references[0].location)."
    }
    let either = zip(mistakes, references).map { "\($0.label) (\($1.location))" }
    return "\nThese give the same result here, so it is either "
      + either.dropLast().joined(separator: ", ") + " or " + either.last! + ". Read both."
  }
}
