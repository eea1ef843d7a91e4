import Harness
import WorkbookKit
import Judge

/// `workbook` / `workbook list`: where the student stands and what to do
/// next, in one screen.
public struct ListCommand {
  public init() {}
  var console = Console.standard

  public func run() throws -> ExitCode {
    var reports: [ExerciseReport] = []
    defer { console.clearStatus() }
    try console.grading(timeLimit: 30, what: "your exercises").grade(Exercise.allCases) { report in
      reports.append(report)
    }
    console.clearStatus()
    console.lines(Self.render(reports, paint: console.paint, width: console.width))
    return .success
  }

  /// The screen: a progress line, one row per exercise, the next step.
  ///
  /// A row is "  ○ ex3  <title>  0/11 checks   not started" with the
  /// columns aligned; where that is wider than `width`, the count and the
  /// state go on a second line under the title.
  static func render(_ reports: [ExerciseReport], paint: Paint, width: Int) -> [String] {
    // The capstone and the labs are optional: the headline counts the
    // four, and says which are optional and how many of those are done.
    let core = reports.filter { !$0.exercise.isOptional }
    let done = core.filter { $0.state == .passed }.count
    let optional = reports.filter(\.exercise.isOptional)
    let optionalDone = optional.filter { $0.state == .passed }.count
    let names = optional.map(\.exercise.name)
    let listed = names.count > 1 ? names.dropLast().joined(separator: ", ") + " and " + names.last! : names.first ?? ""
    let verb = names.count > 1 ? "are" : "is"
    let extra =
      optional.isEmpty ? ""
      : optionalDone == 0 ? " (\(listed) \(verb) optional)"
      : ", and \(optionalDone) of the \(names.count) optional"
    var lines = TextWrap.wrap("Gradient Workbook: \(done) of \(core.count) exercises done\(extra)", width: width)
      .map(paint.bold) + [""]
    let titleWidth = reports.map(\.exercise.title.count).max() ?? 0
    let counts = reports.map { "\($0.passedCount)/\($0.results.count) checks" }
    let countWidth = counts.map(\.count).max() ?? 0
    let stateWidth = reports.map(\.state.rawValue.count).max() ?? 0
    let fits = "  ○ ex1  ".count + titleWidth + 2 + countWidth + 3 + stateWidth <= width
    for (report, count) in zip(reports, counts) {
      let mark = Marks.painted(Marks.mark(report.state), paint)
      let paddedCount = String(repeating: " ", count: countWidth - count.count) + count
      let state = stateWord(report.state, paint)
      if fits {
        let title = report.exercise.title.padding(toLength: titleWidth, withPad: " ", startingAt: 0)
        lines.append("  \(mark) \(report.exercise.name)  \(title)  \(paddedCount)   \(state)")
      } else {
        lines += TextWrap.wrap(report.exercise.title, width: width, after: "  \(mark) \(report.exercise.name)  ", indent: 9)
        lines.append(String(repeating: " ", count: 9) + "\(paddedCount)   \(state)")
      }
    }
    lines.append("")
    if let next = NextStep(reports) {
      lines += next.lines(paint: paint, width: width)
    } else {
      lines += NextStep.allDoneLines(paint: paint, width: width)
    }
    return lines
  }

  static func stateWord(_ state: ExerciseReport.State, _ paint: Paint) -> String {
    switch state {
    case .passed: return paint.green(state.rawValue)
    case .failing, .doesNotCompile, .notSubmitted: return paint.red(state.rawValue)
    case .notStarted: return paint.faint(state.rawValue)
    }
  }
}
