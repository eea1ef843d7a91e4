import Autograd

/// Errors thrown by exercise code: the student's stubs, the reference
/// solutions and the graders all speak this language.
public enum WorkbookError: Error, Equatable, CustomStringConvertible {
  /// A stub that has not been filled in yet.
  case notImplemented(exercise: Int, function: String)
  /// An argument that makes no sense, e.g. a negative `maxNorm` or zero
  /// accumulation steps; `detail` says which and why.
  case invalidArgument(function: String, detail: String)
  /// The gradient norm is NaN or infinite and the caller asked to be told
  /// (PyTorch's `error_if_nonfinite=True`).
  case nonFiniteNorm(function: String, norm: Double)

  public var description: String {
    switch self {
    case let .notImplemented(exercise, function):
      return "not implemented yet: \(function) (exercise \(exercise)); fill in the TODO(ex\(exercise)) in Exercises/"
    case let .invalidArgument(function, detail):
      return "\(function): \(detail)"
    case let .nonFiniteNorm(function, norm):
      return "\(function): the total gradient norm is \(norm), so clipping cannot give a meaningful gradient"
    }
  }

  public static func == (a: WorkbookError, b: WorkbookError) -> Bool {
    switch (a, b) {
    case let (.notImplemented(e1, f1), .notImplemented(e2, f2)): return e1 == e2 && f1 == f2
    case let (.invalidArgument(f1, d1), .invalidArgument(f2, d2)): return f1 == f2 && d1 == d2
    case let (.nonFiniteNorm(f1, n1), .nonFiniteNorm(f2, n2)):
      return f1 == f2 && (n1 == n2 || (n1.isNaN && n2.isNaN))
    default: return false
    }
  }
}

extension WorkbookError: LocalizedErrorConvertible {}
