import Harness
import WorkbookKit
import Judge

/// `workbook hint exN`: one more hint each time, like a patient tutor.
public struct HintCommand {
  var options: HintOptions

  public init(options: HintOptions) { self.options = options }
  var store = HintStore.standard
  var hints: (Exercise) -> [String] = Hints.hints(for:)
  var console = Console.standard

  public func run() throws -> ExitCode {
    var log = store.load()
    guard let exercise = options.exercise else {
      log.reset(nil)
      try store.save(log)
      console.line("Hints start over for every exercise.")
      return .success
    }
    if options.reset {
      log.reset(exercise)
      try store.save(log)
      console.lines(
        TextWrap.wrap(
          "Hints for \(exercise.name) start over: `swift run workbook hint \(exercise.name)` shows the first.",
          width: console.width))
      return .success
    }
    let all = hints(exercise)
    guard !all.isEmpty else {
      console.lines(
        TextWrap.wrap("There are no hints for \(exercise.name) yet. Read the guide, \(exercise.guideFile).", width: console.width))
      return .success
    }
    if options.all {
      console.lines(Self.renderAll(exercise, all, paint: console.paint, width: console.width))
      return .success
    }
    let index = log.next(for: exercise, total: all.count)
    console.lines(Self.render(exercise, all, index: index, paint: console.paint, width: console.width))
    // The hint is what was asked for; a count that cannot be saved only
    // means the same hint comes again next time, so it is a warning.
    do {
      try store.save(log)
    } catch let failure as CommandFailure {
      TextWrap.wrap(
        "warning: \(failure.message); the next `hint \(exercise.name)` shows this hint again.", width: console.width
      ).forEach(Terminal.errorLine)
    }
    return .success
  }

  /// "Hint 2 of 4 for ex3 (…):", the hint, and what to do after it.
  static func render(_ exercise: Exercise, _ hints: [String], index: Int, paint: Paint, width: Int) -> [String] {
    var lines = TextWrap.wrap("Hint \(index + 1) of \(hints.count) for \(exercise.name) (\(exercise.title)):", width: width)
      .map(paint.bold) + [""]
    lines += TextWrap.wrap(hints[index], width: width, indent: 2, firstIndent: 2)
    lines.append("")
    let after =
      index + 1 < hints.count
      ? ["Still stuck? Run `swift run workbook hint \(exercise.name)` again for the next hint."]
      : [
        "That was the last hint. The guide explains every step: \(exercise.guideFile)",
        "`swift run workbook hint \(exercise.name) --all` shows them all again; `--reset` starts over.",
      ]
    return lines + after.flatMap { TextWrap.wrap($0, width: width).map(paint.faint) }
  }

  /// Every hint, numbered.
  static func renderAll(_ exercise: Exercise, _ hints: [String], paint: Paint, width: Int) -> [String] {
    var lines = TextWrap.wrap("Hints for \(exercise.name) (\(exercise.title)):", width: width).map(paint.bold)
    for (index, hint) in hints.enumerated() {
      lines.append("")
      lines += TextWrap.wrap("\(index + 1). " + hint, width: width, indent: 5, firstIndent: 2)
    }
    return lines
  }
}
