import Foundation
import Grading

/// What a student should do next, worked out from the reports: the first
/// exercise that does not pass, where to type, what to read.
///
/// Exercises are meant in order (exercise 4 builds on 1), so "next" is the
/// first one not passed, not the one with most checks passing.
struct NextStep: Equatable {
  var exercise: Exercise
  var state: ExerciseReport.State
  /// The first check that does not pass.
  var failingCheck: String?
  /// "Exercises/…/GradientAccumulation.swift:65", at the first TODO when
  /// there still is one.
  var location: String
  /// The TODO line, e.g. "TODO(ex3): scale each micro-batch loss…".
  var todo: String?

  /// nil when every exercise passes.
  init?(_ reports: [ExerciseReport], root: URL = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)) {
    // Code that does not compile comes first: until it does, `swift test`
    // cannot run at all.
    let ordered = reports.sorted(by: { $0.exercise < $1.exercise })
    guard
      let report = ordered.first(where: { $0.state == .doesNotCompile })
        ?? ordered.first(where: { $0.state != .passed })
    else { return nil }
    exercise = report.exercise
    state = report.state
    failingCheck = report.results.first { !$0.passed }?.title
    if report.state == .doesNotCompile, let error = Self.firstError(report) {
      location = error.location
      todo = error.text
      return
    }
    let found = Self.firstTODO(of: report.exercise, root: root)
    location = report.exercise.sourceFile + (found.map { ":\($0.line)" } ?? "")
    todo = found?.text
  }

  /// The compiler's first error in the exercise's own folder:
  /// "Exercises/…/ValueClipping.swift:41" and what it says.
  static func firstError(_ report: ExerciseReport) -> (location: String, text: String)? {
    let folder = "Exercises/\(report.exercise.folder)/"
    for line in (report.results.first?.message ?? "").split(separator: "\n") where line.hasPrefix(folder) {
      let parts = line.split(separator: ":", maxSplits: 3)
      guard parts.count == 4, let row = Int(parts[1]) else { continue }
      return ("\(parts[0]):\(row)", parts[3].trimmingCharacters(in: .whitespaces))
    }
    return nil
  }

  /// The first line of the exercise's file mentioning TODO(exN).
  static func firstTODO(of exercise: Exercise, root: URL) -> (line: Int, text: String)? {
    let url = root.appendingPathComponent(exercise.sourceFile)
    guard let source = try? String(contentsOf: url, encoding: .utf8) else { return nil }
    let marker = "TODO(\(exercise.name))"
    for (index, line) in source.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
      if let range = line.range(of: marker) {
        return (index + 1, String(line[range.lowerBound...]).trimmingCharacters(in: .whitespaces))
      }
    }
    return nil
  }

  /// The lines printed under "Next:".
  func lines(paint: Paint) -> [String] {
    var lines = [paint.bold("Next: \(exercise.name), \(exercise.title)")]
    if let failingCheck, state == .failing {
      lines.append("  Failing  " + failingCheck)
    }
    if state == .doesNotCompile { lines.append("  Fix      the compile error") }
    lines += workLines(paint: paint)
    lines.append("  Then     swift run workbook check \(exercise.name)")
    return lines
  }

  /// Where to type, what to read, where to get a hint (also under the
  /// first failing check in `watch`).
  func workLines(paint: Paint) -> [String] {
    var lines = ["  Open     " + location]
    if let todo { lines.append("           " + paint.faint(todo)) }
    lines.append("  Read     " + exercise.guideFile)
    lines.append("  Stuck?   swift run workbook hint \(exercise.name)")
    return lines
  }

  /// What to say when everything passes.
  static func allDoneLines(paint: Paint) -> [String] {
    [
      paint.bold(paint.green("Every exercise passes. Well done!")),
      "  See your code at work:  swift run workbook run ex1 --sweep",
      "                          swift run workbook run ex3 --no-scaling",
    ]
  }
}
