/// The usual judgement of a check: in every scenario the student's run
/// agrees with the answer key's to `tolerance`; where it does not, the
/// first difference is said in words and the known mistakes whose runs
/// match the student's are named.
public enum Verdict {
  /// - Parameters:
  ///   - function: the function the check is about, for "your trainStep
  ///     itself may be right" when a mistake sits in another function.
  ///   - describe: overrides the words for a difference (nil: the usual).
  public static func agree(
    _ evidence: Evidence, function: String, tolerance: Double,
    describe: ((Evidence.Item) -> String?)? = nil
  ) throws {
    for item in evidence.items {
      let distance = Agreement.distance(item.student, item.answer.expected)
      guard distance > tolerance else { continue }
      let words = describe?(item) ?? Difference.describe(item, function: function)
      throw finding(words, item: item, evidence: evidence, function: function, tolerance: tolerance)
    }
  }

  /// The finding for a difference in `item`: `words`, then what the
  /// matching mistakes do and their names.
  public static func finding(
    _ words: String, item: Evidence.Item, evidence: Evidence, function: String, tolerance: Double
  ) -> Finding {
    let runs = matches(item, evidence: evidence, tolerance: tolerance)
    guard !runs.isEmpty else { return Finding(words + " [\(item.scenario)]") }
    var explanations: [String] = []
    for run in runs where !explanations.contains(run.explanation) { explanations.append(run.explanation) }
    var text = words + " That is what happens when " + explanations.joined(separator: ", or when ") + "."
    let elsewhere = Set(runs.map(\.function)).subtracting([function]).sorted()
    if !elsewhere.isEmpty, runs.allSatisfy({ $0.function != function }) {
      text = "Your \(function) itself may be right: it fails because of your "
        + elsewhere.joined(separator: " and ") + ". " + text
    }
    var mistakes: [Mistake] = []
    for run in runs { if let mistake = run.mistake, !mistakes.contains(mistake) { mistakes.append(mistake) } }
    return Finding(text + " [\(item.scenario)]", mistakes: mistakes)
  }

  /// The mistakes that explain the student's run of `item`: those whose
  /// run of it matches the student's. Of these, the ones whose runs match
  /// the student's in every scenario of the check, if any (where the
  /// student is right, the mistake must change nothing); else, of those
  /// not ruled out where the student is right and the mistake is not
  /// (code with two slips at once matches no single mistake everywhere),
  /// the ones nearest the student's runs in the other scenarios: mistakes
  /// that all leave one scenario alone must not all be named, or the
  /// message prescribes fixes the code already has.
  static func matches(_ item: Evidence.Item, evidence: Evidence, tolerance: Double) -> [MistakeRun] {
    let here = item.answer.mistakes.filter {
      agrees(item.student, $0.observation, expected: item.answer.expected, tolerance: tolerance)
        && Agreement.distance($0.observation, item.answer.expected) > tolerance
    }
    func theirs(_ run: MistakeRun, _ other: Evidence.Item) -> Observation {
      other.answer.mistakes.first { $0.variant == run.variant }?.observation ?? other.answer.expected
    }
    func right(_ other: Evidence.Item) -> Bool {
      Agreement.distance(other.student, other.answer.expected) <= tolerance
    }
    let everywhere = here.filter { run in
      evidence.items.allSatisfy { other in
        right(other)
          ? Agreement.distance(theirs(run, other), other.answer.expected) <= tolerance
          : agrees(other.student, theirs(run, other), expected: other.answer.expected, tolerance: tolerance)
      }
    }
    if !everywhere.isEmpty { return everywhere }
    let possible = here.filter { run in
      !evidence.items.contains { right($0) && Agreement.distance(theirs(run, $0), $0.answer.expected) > tolerance }
    }
    let wrong = evidence.items.filter { !right($0) }
    let nearness = possible.map { run in
      Nearness(
        matched: wrong.filter {
          agrees($0.student, theirs(run, $0), expected: $0.answer.expected, tolerance: tolerance)
        }.count,
        distances: wrong.map { Agreement.distance($0.student, theirs(run, $0)) })
    }
    guard let best = nearness.max() else { return [] }
    return zip(possible, nearness).filter { !($1 < best) }.map(\.0)
  }

  /// The student's run matches `run`: close to it, and clearly closer to it
  /// than to the expected one.
  static func agrees(_ student: Observation, _ run: Observation, expected: Observation, tolerance: Double) -> Bool {
    let gap = Agreement.distance(student, expected)
    return Agreement.distance(student, run) <= max(tolerance, min(1e-7, gap / 10))
  }
}
