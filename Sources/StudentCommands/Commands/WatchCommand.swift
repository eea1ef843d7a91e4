import Foundation
import Harness
import WorkbookKit
import Judge

/// `workbook watch`: rebuild and re-grade whenever a Swift file under
/// Exercises/ changes, rustlings style: one screen with the state of every
/// exercise, every failing check with its diagnosis, and where to work
/// next. On a terminal each result replaces the last; into a pipe or a
/// log, results follow one another.
public struct WatchCommand {
  var options: WatchOptions

  public init(options: WatchOptions) { self.options = options }
  var console = Console.standard
  var root = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)

  public func run() throws -> ExitCode {
    try RunnerBuild.requireWorkbookFolder(root)
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
    console.clearStatus()
    let time = DateFormatter.localizedString(from: Date(), dateStyle: .none, timeStyle: .medium)
    let lines = Self.header(paint: console.paint, width: console.width)
      + Self.screen(Exercise.allCases.compactMap { reports[$0] }, paint: console.paint, width: console.width)
      + Self.footer(cause, time: time, paint: console.paint, width: console.width)
    Terminal.write(Self.frame(lines, redraw: console.interactive, first: cause == "start"))
  }

  /// What one result writes, all at once so the screen never shows half
  /// of it. On a terminal (`redraw`) it starts by clearing the screen and
  /// the scrollback and putting the cursor home, as `clear` does, so the
  /// current state is never mixed with an old one, nor scrolled above it.
  /// Otherwise each result is appended, after a blank line.
  static func frame(_ lines: [String], redraw: Bool, first: Bool) -> String {
    let text = lines.map { $0 + "\n" }.joined()
    if redraw { return clearScreen + text }
    return (first ? "" : "\n") + text
  }

  /// Cursor home, erase the screen, erase the scrollback.
  static let clearScreen = "\u{1B}[H\u{1B}[2J\u{1B}[3J"

  static func header(paint: Paint, width: Int) -> [String] {
    TextWrap.appending(
      paint.faint("watching Exercises/, Ctrl-C to stop"), to: [paint.bold("Gradient Workbook")], width: width, indent: 0)
      + [""]
  }

  /// "Updated at 10:42:07 after a change to <file>.", wrapped: the file's
  /// path can take most of a line.
  static func footer(_ cause: String, time: String, paint: Paint, width: Int) -> [String] {
    let why = cause == "start" ? "" : " after a change to \(cause)"
    return [""] + TextWrap.wrap("Updated at \(time)\(why). Save a file to grade again.", width: width).map(paint.faint)
  }

  /// The summary row of every exercise; then every failing check of each
  /// exercise in progress (or one that does not compile), each with its
  /// diagnosis, or the first exercise not started when none is in
  /// progress; then where to work next.
  static func screen(_ reports: [ExerciseReport], paint: Paint, width: Int) -> [String] {
    let done = reports.filter { $0.state == .passed }.count
    let cells = reports.map { report in
      Marks.painted(Marks.mark(report.state), paint) + " \(report.exercise.name) \(report.passedCount)/\(report.results.count)"
    }
    // The cells in a row, a new row where the next one would pass `width`.
    var rows = [String]()
    for cell in cells {
      if let last = rows.last, TextWrap.columns(last) + 3 + TextWrap.columns(cell) <= width {
        rows[rows.count - 1] = last + "   " + cell
      } else {
        rows.append("  " + cell)
      }
    }
    var lines = TextWrap.appending("\(done) of \(reports.count) done", separator: "     ", to: rows, width: width, indent: 2)
    lines.append("")
    guard let next = NextStep(reports) else { return lines + NextStep.allDoneLines(paint: paint, width: width) }
    var shown = reports.filter { $0.state != .passed && $0.state != .notStarted }
    if shown.isEmpty { shown = Array(reports.filter { $0.state == .notStarted }.prefix(1)) }
    for report in shown {
      lines += ReportText.failures(report, paint: paint, width: width) + [""]
    }
    return lines + next.workLines(paint: paint, width: width)
  }
}
