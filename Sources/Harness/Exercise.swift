/// The exercises, with where their files live. The fifth, the capstone,
/// and the sixth, a lab, are optional: they build on the four.
public enum Exercise: Int, CaseIterable, Codable, Sendable, Comparable {
  case ex1 = 1, ex2, ex3, ex4, ex5, ex6, ex7

  /// "ex3", as typed on the command line.
  public var name: String { "ex\(rawValue)" }

  public var title: String {
    switch self {
    case .ex1: return "Gradient clipping by norm"
    case .ex2: return "Gradient clipping by value"
    case .ex3: return "Gradient accumulation with loss scaling"
    case .ex4: return "Accumulation plus clipping"
    case .ex5: return "Mixed precision (optional capstone)"
    case .ex6: return "Where accumulation breaks (optional lab)"
    case .ex7: return "Gradient health (optional lab)"
    }
  }

  /// The folder under Exercises/ (and Solutions/).
  public var folder: String {
    switch self {
    case .ex1: return "ex1-norm-clipping"
    case .ex2: return "ex2-value-clipping"
    case .ex3: return "ex3-gradient-accumulation"
    case .ex4: return "ex4-accumulation-and-clipping"
    case .ex5: return "ex5-mixed-precision"
    case .ex6: return "ex6-accumulation-limits"
    case .ex7: return "ex7-gradient-health"
    }
  }

  /// The Swift file the student edits.
  public var sourceFile: String {
    switch self {
    case .ex1: return "Exercises/\(folder)/NormClipping.swift"
    case .ex2: return "Exercises/\(folder)/ValueClipping.swift"
    case .ex3: return "Exercises/\(folder)/GradientAccumulation.swift"
    case .ex4: return "Exercises/\(folder)/AccumulationWithClipping.swift"
    case .ex5: return "Exercises/\(folder)/MixedPrecision.swift"
    case .ex6: return "Exercises/\(folder)/AccumulationLimits.swift"
    case .ex7: return "Exercises/\(folder)/GradientHealth.swift"
    }
  }

  /// The exercise's guide.
  public var guideFile: String { "Exercises/\(folder)/README.md" }

  /// Parses "ex3", "3" or "Exercise3".
  public init?(name: String) {
    let digits = name.lowercased().replacingOccurrences(of: "exercise", with: "").replacingOccurrences(of: "ex", with: "")
    guard let number = Int(digits), let exercise = Exercise(rawValue: number) else { return nil }
    self = exercise
  }

  public static func < (a: Exercise, b: Exercise) -> Bool { a.rawValue < b.rawValue }

  /// The optional ones (the capstone and the labs after it), which `grade`
  /// scores only when asked to.
  public var isOptional: Bool { !Exercise.core.contains(self) }

  /// The four exercises every student does.
  public static let core: [Exercise] = [.ex1, .ex2, .ex3, .ex4]

  /// The optional exercises, in order.
  public static var optional: [Exercise] { allCases.filter(\.isOptional) }
}
