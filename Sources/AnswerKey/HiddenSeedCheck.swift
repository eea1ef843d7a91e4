import Judge

/// Whether an autograder's hidden seeds still do the checks' job: every
/// known mistake fails at least one check on them, as on the public seeds.
public enum HiddenSeedCheck {
  /// The known mistakes no check catches with `seeds`.
  public static func undetected(with seeds: Seeds) -> [KnownMistake] {
    let grader = Grader(answers: AnswerKey.shared, seeds: seeds)
    return KnownMistake.catalogue.filter { known in
      grader.grade(known.exercise, observer: InProcessObserver(code: known.code)).results.allSatisfy(\.passed)
    }
  }
}
