import Harness
import WorkbookKit
import Judge

/// The marks and words used for states everywhere (check, list, watch,
/// grade), so a student learns them once.
public enum Marks {
  public static let passed = "✓"
  public static let failed = "✗"
  public static let notStarted = "○"

  public static func mark(_ status: CheckResult.Status) -> String {
    switch status {
    case .passed: return passed
    case .notImplemented: return notStarted
    case .failed, .crashed, .timedOut, .tampered, .doesNotCompile, .notSubmitted: return failed
    }
  }

  public static func mark(_ state: ExerciseReport.State) -> String {
    switch state {
    case .passed: return passed
    case .failing, .doesNotCompile, .notSubmitted: return failed
    case .notStarted: return notStarted
    }
  }

  /// The mark coloured by what it means.
  public static func painted(_ mark: String, _ paint: Paint) -> String {
    switch mark {
    case passed: return paint.green(mark)
    case failed: return paint.red(mark)
    default: return paint.faint(mark)
    }
  }

  /// A word for the statuses whose mark alone hides how the check ended
  /// (a stub's ○ and its message say enough).
  public static func label(_ status: CheckResult.Status) -> String? {
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
