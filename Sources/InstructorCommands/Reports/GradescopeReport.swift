import Foundation
import WorkbookKit
import Harness
import Judge
import StudentCommands

/// Gradescope's results.json: one test per check.
///
/// The shape follows Gradescope's autograder specification
/// (https://gradescope-autograders.readthedocs.io/en/latest/specs/). Each
/// test is one check: its sentence as `name`, "3.4" (exercise 3, its fourth
/// check) as `number`, its share of the exercise's 25 points as `max_score`
/// and all or nothing of it as `score`, `status` ("passed" / "failed"), the
/// diagnosis as `output`, and as `tags` the exercise ("ex3"), "public" or
/// "hidden" (graded on the public scenarios every student's copy holds,
/// or on an autograder's hidden ones), and the recognised mistakes. A hidden
/// check carries its own `visibility`, the instructor's choice.
///
/// The top level holds the exact total `score`, `execution_time` (whole
/// seconds, as the specification has it; left out when no check was timed),
/// an `output` with the score of each exercise and the reports' notes, and
/// the `visibility` of the tests and `stdout_visibility` of the autograder's
/// own output. The specification has no time per test, so none is written.
///
/// Scores keep full precision (see `Score`): Gradescope adds them up, and
/// rounding is left to what is shown to a person.
public struct GradescopeReport: Codable, Equatable, Sendable {
  /// When students see the results (or the autograder's standard output).
  public typealias Visibility = WorkbookKit.Visibility

  public struct Test: Codable, Equatable, Sendable {
    public var name: String
    public var number: String
    public var score: Double
    public var maxScore: Double
    public var status: String
    public var output: String
    public var tags: [String]
    /// Set for a check graded on hidden scenarios; nil: the report's.
    public var visibility: Visibility?

    enum CodingKeys: String, CodingKey {
      case name, number, score, status, output, tags, visibility
      case maxScore = "max_score"
    }
  }

  public var score: Double
  public var executionTime: Int?
  public var output: String
  public var visibility: Visibility
  public var stdoutVisibility: Visibility
  public var tests: [Test]

  enum CodingKeys: String, CodingKey {
    case score, output, visibility, tests
    case executionTime = "execution_time"
    case stdoutVisibility = "stdout_visibility"
  }

  public init(
    _ reports: [ExerciseReport], visibility: Visibility = .visible, stdoutVisibility: Visibility = .visible,
    hiddenVisibility: Visibility = .afterDueDate
  ) {
    tests = reports.flatMap { report in
      report.results.enumerated().map { index, result in
        let maxScore = Score.points(check: index, of: report.results.count)
        return Test(
          name: result.title, number: "\(report.exercise.rawValue).\(index + 1)",
          score: result.passed ? maxScore : 0, maxScore: maxScore,
          status: result.passed ? "passed" : "failed", output: CheckOutcome.text(result),
          tags: [report.exercise.name, result.hidden ? "hidden" : "public"] + result.mistakes.map(\.rawValue),
          visibility: result.hidden ? hiddenVisibility : nil)
      }
    }
    score = Score.total(reports)
    let times = reports.flatMap { $0.results.compactMap(\.seconds) }
    executionTime = times.isEmpty ? nil : Int(times.reduce(0, +).rounded())
    output = Self.summary(reports)
    self.visibility = visibility
    self.stdoutVisibility = stdoutVisibility
  }

  /// "3 of 4 exercises pass. Score 95.45 / 100.", a line per exercise with
  /// the points shown in the grade table, and the notes, which are not
  /// scored.
  static func summary(_ reports: [ExerciseReport]) -> String {
    let done = reports.filter { $0.state == .passed }.count
    var lines = ["\(done) of \(reports.count) exercises pass. Score \(Score.summary(reports))."]
    let maximum = Score.format(Score.perExercise)
    for report in reports {
      let checks = report.results.count
      lines.append(
        "\(Marks.mark(report.state)) \(report.exercise.name)  \(report.exercise.title): "
          + "\(Score.format(Score.points(report))) / \(maximum) (\(report.passedCount) of \(checks) check\(checks == 1 ? "" : "s"))")
    }
    let notes = reports.flatMap { report in report.notes.map { "\(report.exercise.name): \($0)" } }
    if !notes.isEmpty {
      lines += ["", "Notes (not scored):"] + notes.map { "- " + $0 }
    }
    return lines.joined(separator: "\n")
  }

  /// Pretty JSON with sorted keys.
  public func json() throws -> Data {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    return try encoder.encode(self)
  }
}
