import Grading

/// The marks and words used for states everywhere (check, list, watch,
/// grade), so a student learns them once.
enum Marks {
  static let passed = "✓"
  static let failed = "✗"
  static let notStarted = "○"

  static func mark(_ status: CheckResult.Status) -> String {
    switch status {
    case .passed: return passed
    case .notImplemented: return notStarted
    case .failed, .crashed, .timedOut, .tampered, .doesNotCompile, .notSubmitted: return failed
    }
  }

  static func mark(_ state: ExerciseReport.State) -> String {
    switch state {
    case .passed: return passed
    case .failing, .doesNotCompile, .notSubmitted: return failed
    case .notStarted: return notStarted
    }
  }

  /// The mark coloured by what it means.
  static func painted(_ mark: String, _ paint: Paint) -> String {
    switch mark {
    case passed: return paint.green(mark)
    case failed: return paint.red(mark)
    default: return paint.faint(mark)
    }
  }

  /// A word for the statuses whose mark alone hides how the check ended
  /// (a stub's ○ and its message say enough).
  static func label(_ status: CheckResult.Status) -> String? {
    switch status {
    case .crashed: return "crashed"
    case .timedOut: return "timed out"
    case .tampered: return "tampered"
    case .doesNotCompile: return "does not compile"
    case .notSubmitted: return "not submitted"
    case .notImplemented, .passed, .failed: return nil
    }
  }
}
