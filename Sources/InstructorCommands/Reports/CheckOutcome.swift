import Harness
import WorkbookKit
import Judge
import StudentCommands

/// What a report says about one check, the same in results.json and in the
/// JUnit XML.
enum CheckOutcome {
  /// The diagnosis: "Passed." for a check that passed (its message is the
  /// grader's evidence, not something to act on), the check's message
  /// otherwise, after a plain sentence for the two statuses whose message
  /// alone may not say why the check scored 0.
  static func text(_ result: CheckResult) -> String {
    switch result.status {
    case .passed:
      return "Passed."
    case .failed, .notImplemented, .crashed, .timedOut:
      return result.message
    case .tampered:
      return joined(
        "Scored 0: the grading process received a result for this check that it did not send, so the code tried "
          + "to report a grade instead of earning it.", result.message)
    case .doesNotCompile:
      return joined(
        "Scored 0: the files of \(result.exercise.name) do not compile, so this check did not run. `swift build` "
          + "shows the errors.", result.message)
    case .notSubmitted:
      return result.message
    }
  }

  /// The first line of `text`, for a one-line summary.
  static func firstLine(_ result: CheckResult) -> String {
    text(result).split(separator: "\n").first.map(String.init) ?? ""
  }

  private static func joined(_ sentence: String, _ message: String) -> String {
    message.isEmpty ? sentence : sentence + "\n\n" + message
  }
}
