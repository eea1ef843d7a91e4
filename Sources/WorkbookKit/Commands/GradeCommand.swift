import Charts
import Foundation
import Grading

/// `workbook grade`: the report a course autograder uploads.
///
/// A failing student is not a failure of this command: the exit code is 0
/// whenever the report was produced, 1 only when it could not be written.
struct GradeCommand {
  var options: GradeOptions
  var console = Console.standard

  func run() throws -> ExitCode {
    var reports: [ExerciseReport] = []
    try console.grading(timeLimit: options.timeLimit, what: "every exercise").grade(Exercise.allCases) {
      reports.append($0)
    }
    console.clearStatus()

    if let path = options.jsonPath {
      try write(try GradescopeReport(reports).json(), to: path)
    }
    if let path = options.junitPath {
      try write(Data(JUnitReport.xml(reports).utf8), to: path)
    }
    let files = [options.jsonPath, options.junitPath].compactMap { $0 }
    if files.isEmpty {
      console.line(Self.table(reports).render())
    } else {
      let total = GradescopeReport(reports).score
      console.line("Score \(Self.format(total)) / \(Self.format(Score.perExercise * Double(reports.count))). Wrote \(files.joined(separator: " and ")).")
    }
    return .success
  }

  private func write(_ data: Data, to path: String) throws {
    do {
      try data.write(to: URL(fileURLWithPath: path), options: .atomic)
    } catch {
      throw CommandFailure("could not write the report to \(path): \(error.localizedDescription)")
    }
  }

  /// Exercise, status, checks passed, score; a total row.
  static func table(_ reports: [ExerciseReport]) -> Table {
    var table = Table(columns: [
      .init("Exercise"), .init("Status"), .init("Checks", alignment: .right), .init("Score", alignment: .right),
    ])
    for report in reports {
      table.addRow([
        "\(report.exercise.name)  \(report.exercise.title)",
        "\(Marks.mark(report.state)) \(report.state.rawValue)",
        "\(report.passedCount)/\(report.results.count)",
        "\(format(Score.points(report))) / \(format(Score.perExercise))",
      ])
    }
    let total = GradescopeReport(reports).score
    table.addRow(["Total", "", "", "\(format(total)) / \(format(Score.perExercise * Double(reports.count)))"])
    return table
  }

  /// 25 → "25", 10.71 → "10.71".
  static func format(_ value: Double) -> String {
    value == value.rounded() ? String(Int(value)) : String(format: "%.2f", value)
  }
}
