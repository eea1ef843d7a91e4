import Foundation
import Grading

/// Gradescope's results.json: one test per exercise, 25 points each.
///
/// The shape follows Gradescope's autograder specification
/// (https://gradescope-autograders.readthedocs.io/en/latest/specs/):
/// a top-level `score` and `tests` with `name`, `score`, `max_score`,
/// `status` ("passed" / "failed") and `output`.
public struct GradescopeReport: Codable, Equatable, Sendable {
  public struct Test: Codable, Equatable, Sendable {
    public var name: String
    public var number: String
    public var score: Double
    public var maxScore: Double
    public var status: String
    public var output: String

    enum CodingKeys: String, CodingKey {
      case name, number, score, status, output
      case maxScore = "max_score"
    }
  }

  public var score: Double
  public var output: String
  public var tests: [Test]

  public init(_ reports: [ExerciseReport]) {
    tests = reports.map { report in
      Test(
        name: "\(report.exercise.name): \(report.exercise.title)", number: String(report.exercise.rawValue),
        score: Score.points(report), maxScore: Score.perExercise,
        status: report.state == .passed ? "passed" : "failed", output: Score.output(report))
    }
    score = Score.total(reports)
    let done = reports.filter { $0.state == .passed }.count
    output = "\(done) of \(reports.count) exercises pass."
  }

  /// Pretty JSON with sorted keys.
  public func json() throws -> Data {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    return try encoder.encode(self)
  }
}
