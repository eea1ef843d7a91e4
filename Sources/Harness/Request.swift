import Autograd
import Contract

/// What the judge asks a runner: run `scenario` on this exercise's code.
public struct Request: Codable, Sendable {
  public var exercise: Exercise
  public var scenario: Scenario

  public init(_ exercise: Exercise, _ scenario: Scenario) {
    self.exercise = exercise
    self.scenario = scenario
  }
}

/// A call of the clipping function a loop was handed (exercises 4 and 5),
/// which only the judge can answer: the student's process holds no
/// clipping but the student's own.
public struct ClipQuestion: Codable, Sendable {
  public var gradients: [[Double]?]
  public var maxNorm: Double
  public var normType: Double
  public var errorIfNonfinite: Bool

  public init(gradients: [[Double]?], maxNorm: Double, normType: Double, errorIfNonfinite: Bool) {
    self.gradients = gradients
    self.maxNorm = maxNorm
    self.normType = normType
    self.errorIfNonfinite = errorIfNonfinite
  }
}

/// The judge's answer to a `ClipQuestion`.
public enum ClipAnswer: Codable, Sendable {
  /// Multiply every gradient by `factor` (norm clipping is a common
  /// factor); `norm` is what the call returns, the norm before.
  case scaled(factor: Double, norm: Double)
  case threw(Thrown)
  /// Not a gradient the judge expected at this point: the loop went wrong
  /// before it clipped. The call throws `HarnessError.unanswered`.
  case unknown
}

/// Errors the harness itself raises in the student's process.
public enum HarnessError: Error, CustomStringConvertible {
  /// The handed clipping could not be answered (see `ClipAnswer.unknown`).
  case unanswered
  /// This program holds no code for the exercise asked.
  case noCode(Exercise)

  public var description: String {
    switch self {
    case .unanswered:
      return "the grader's clipGradNorm was called on a gradient it did not expect there; the loop went wrong "
        + "before it clipped"
    case let .noCode(exercise): return "this program holds no code for \(exercise.name)"
    }
  }
}

extension Thrown {
  /// The error as the judge reads it.
  public init(_ error: Error) {
    switch error {
    case let WorkbookError.notImplemented(exercise, function):
      self.init(kind: .notImplemented, message: "\(error)", function: function, exercise: exercise)
    case let WorkbookError.invalidArgument(function, detail):
      self.init(kind: .invalidArgument, message: "\(error)", function: function, detail: detail)
    case let WorkbookError.nonFiniteNorm(function, _):
      self.init(kind: .nonFiniteNorm, message: "\(error)", function: function)
    case TensorError.outOfMemory:
      self.init(kind: .outOfMemory, message: "\(error)")
    case HarnessError.unanswered:
      self.init(kind: .unanswered, message: "\(error)")
    default:
      self.init(kind: .other, message: "\(error)")
    }
  }

  /// The error to throw again in the code that called the handed clipping,
  /// so it sees what the real function would have thrown.
  var asError: Error {
    switch kind {
    case .invalidArgument: return WorkbookError.invalidArgument(function: function ?? "clipGradNorm", detail: detail ?? message)
    case .nonFiniteNorm: return WorkbookError.nonFiniteNorm(function: function ?? "clipGradNorm", norm: .nan)
    default: return HarnessError.unanswered
    }
  }
}
