import Foundation
import Grading

/// `workbook watch`: rebuild and re-grade whenever a Swift file under
/// Exercises/ changes, rustlings style: one screen with the state of every
/// exercise and the first thing to fix.
struct WatchCommand {
  var options: WatchOptions
  var console = Console.standard
  var root = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)

  func run() throws -> ExitCode {
    guard FileManager.default.fileExists(atPath: root.appendingPathComponent("Package.swift").path) else {
      throw CommandFailure("run `swift run workbook watch` in the workbook's folder (the one with Package.swift).")
    }
    let grading = try console.grading(timeLimit: options.timeLimit, what: "your exercises")

    var reports: [Exercise: ExerciseReport] = [:]
    var snapshot = WatchSnapshot.take(root: root)
    var cause = "start"
    var toGrade = Exercise.allCases
    while true {
      try rebuildAndGrade(toGrade, grading: grading, reports: &reports, cause: cause)
      // Wait for the next change; an editor's save can touch files twice,
      // so settle for a moment before taking the new picture.
      var changes: [String] = []
      while changes.isEmpty {
        Thread.sleep(forTimeInterval: 1)
        changes = WatchSnapshot.changes(from: snapshot, to: WatchSnapshot.take(root: root))
      }
      Thread.sleep(forTimeInterval: 0.2)
      let next = WatchSnapshot.take(root: root)
      changes = WatchSnapshot.changes(from: snapshot, to: next)
      snapshot = next
      toGrade = WatchSnapshot.affected(by: changes)
      cause = changes.count == 1 ? changes[0] : "\(changes.count) files"
    }
  }

  /// Builds and grades `exercises`: one that does not compile shows its
  /// compiler errors as its first problem, the others are graded as usual.
  private func rebuildAndGrade(
    _ exercises: [Exercise], grading: WorkbookGrading, reports: inout [Exercise: ExerciseReport], cause: String
  ) throws {
    try grading.grade(exercises) { reports[$0.exercise] = $0 }
    clearScreen()
    console.lines(header())
    console.lines(Self.screen(Exercise.allCases.compactMap { reports[$0] }, paint: console.paint, width: console.width))
    console.lines(footer(cause))
  }

  /// Starts each result on a clean screen, as rustlings does, so the
  /// current state is never mixed with an old one. Only on a terminal.
  private func clearScreen() {
    console.clearStatus()
    if console.interactive { Terminal.write("\u{1B}[2J\u{1B}[H") }
  }

  private func header() -> [String] {
    [console.paint.bold("Gradient Workbook") + console.paint.faint("  watching Exercises/, Ctrl-C to stop"), ""]
  }

  private func footer(_ cause: String) -> [String] {
    let time = DateFormatter.localizedString(from: Date(), dateStyle: .none, timeStyle: .medium)
    let why = cause == "start" ? "" : " after a change to \(cause)"
    return ["", console.paint.faint("Updated at \(time)\(why). Save a file to grade again.")]
  }

  /// The summary row of every exercise, then the first failing check with
  /// its diagnosis and where to work on it.
  static func screen(_ reports: [ExerciseReport], paint: Paint, width: Int) -> [String] {
    let done = reports.filter { $0.state == .passed }.count
    let cells = reports.map { report in
      Marks.painted(Marks.mark(report.state), paint) + " \(report.exercise.name) \(report.passedCount)/\(report.results.count)"
    }
    var lines = ["  " + cells.joined(separator: "   ") + "     \(done) of \(reports.count) done", ""]
    guard let (report, result) = ReportText.firstProblem(reports), let next = NextStep(reports) else {
      return lines + NextStep.allDoneLines(paint: paint)
    }
    let label = Marks.label(result.status).map { paint.faint("  (\($0))") } ?? ""
    lines.append(ReportText.heading(report, paint: paint))
    lines.append("  " + Marks.painted(Marks.mark(result.status), paint) + " " + result.title + label)
    lines += ReportText.diagnosis(result.message, indent: 6, width: width)
    return lines + [""] + next.workLines(paint: paint)
  }
}
