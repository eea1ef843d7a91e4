/// The entry point: the checks of each exercise, and grading with them.
public enum Grader {
  /// Every check of `exercise`, in the order a student should meet them.
  public static func checks(_ exercise: Exercise) -> [AnyCheck] {
    switch exercise {
    case .ex1: return NormClippingChecks.all.map { AnyCheck($0, exercise: .ex1, code: \.ex1) }
    case .ex2: return ValueClippingChecks.all.map { AnyCheck($0, exercise: .ex2, code: \.ex2) }
    case .ex3: return AccumulationChecks.all.map { AnyCheck($0, exercise: .ex3, code: \.ex3) }
    case .ex4: return AccumulationClippingChecks.all.map { AnyCheck($0, exercise: .ex4, code: \.ex4) }
    case .ex5: return MixedPrecisionChecks.all.map { AnyCheck($0, exercise: .ex5, code: \.ex5) }
    }
  }

  /// The ids of `exercise`'s checks (what `swift test` parameterizes over).
  public static func checkIDs(_ exercise: Exercise) -> [String] { checks(exercise).map(\.id) }

  /// Runs one check by id; nil if there is no such check.
  public static func run(_ exercise: Exercise, check id: String, on code: WorkbookCode) -> CheckResult? {
    checks(exercise).first { $0.id == id }?.run(code)
  }

  /// Runs every check of `exercise` in this process. A crash in the
  /// student's code ends the process: use `IsolatedGrading` to survive that.
  public static func grade(_ exercise: Exercise, code: WorkbookCode) -> ExerciseReport {
    ExerciseReport(exercise: exercise, results: checks(exercise).map { $0.run(code) })
  }
}
