import Foundation
import Harness
import WorkbookKit
import Judge

/// What a student should do next, worked out from the reports: the first
/// exercise that does not pass, where to type, what to read.
///
/// Exercises are meant in order (exercise 4 builds on 1), so "next" is the
/// first one not passed, not the one with most checks passing.
public struct NextStep: Equatable {
  public var exercise: Exercise
  public var state: ExerciseReport.State
  /// The first check that does not pass.
  public var failingCheck: String?
  /// "Exercises/…/GradientAccumulation.swift:65", at the first TODO when
  /// there still is one.
  public var location: String
  /// The TODO line, e.g. "TODO(ex3): scale each micro-batch loss…".
  public var todo: String?

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
  public static func firstError(_ report: ExerciseReport) -> (location: String, text: String)? {
    let folder = "Exercises/\(report.exercise.folder)/"
    for line in (report.results.first?.message ?? "").split(separator: "\n") where line.hasPrefix(folder) {
      let parts = line.split(separator: ":", maxSplits: 3)
      guard parts.count == 4, let row = Int(parts[1]) else { continue }
      return ("\(parts[0]):\(row)", parts[3].trimmingCharacters(in: .whitespaces))
    }
    return nil
  }

  /// The first line of the exercise's file mentioning TODO(exN).
  public static func firstTODO(of exercise: Exercise, root: URL) -> (line: Int, text: String)? {
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

  /// The lines printed under "Next:", wrapped to `width`.
  public func lines(paint: Paint, width: Int) -> [String] {
    var lines = [paint.bold("Next: \(exercise.name), \(exercise.title)")]
    if let failingCheck, state == .failing {
      lines += Self.row("Failing", failingCheck, width: width)
    }
    if state == .doesNotCompile { lines += Self.row("Fix", "the compile error", width: width) }
    lines += workLines(paint: paint, width: width)
    lines += Self.row("Then", "swift run workbook check \(exercise.name)", width: width)
    return lines
  }

  /// Where to type, what to read, where to get a hint (also under the
  /// first failing check in `watch`).
  public func workLines(paint: Paint, width: Int) -> [String] {
    var lines = Self.row("Open", location, width: width)
    if let todo { lines += TextWrap.wrap(todo, width: width, indent: Self.column, firstIndent: Self.column).map(paint.faint) }
    lines += Self.row("Read", exercise.guideFile, width: width)
    lines += Self.row("Stuck?", "swift run workbook hint \(exercise.name)", width: width)
    return lines
  }

  /// Where the text after "  Open     " starts.
  public static let column = 11

  /// "  Open     Exercises/…": a label, and its text wrapped under itself.
  public static func row(_ label: String, _ text: String, width: Int) -> [String] {
    let prefix = "  " + label.padding(toLength: column - 2, withPad: " ", startingAt: 0)
    return TextWrap.wrap(text, width: width, after: prefix, indent: column)
  }

  /// What to say when everything passes; the demos to try go under the
  /// words when they do not fit beside them.
  public static func allDoneLines(paint: Paint, width: Int) -> [String] {
    let demos = ["swift run workbook run ex1 --sweep", "swift run workbook run ex3 --no-scaling"]
    let label = "  See your code at work:  "
    let beside = label.count + (demos.map(\.count).max() ?? 0) <= width
    return [paint.bold(paint.green("Every exercise passes. Well done!"))]
      + (beside
        ? [label + demos[0]] + demos.dropFirst().map { String(repeating: " ", count: label.count) + $0 }
        : ["  See your code at work:"] + demos.map { "    " + $0 })
  }
}
