import Harness
import Judge
import WorkbookKit

/// `workbook hint exN [FUNCTION]`: one more hint each time, like a patient
/// tutor, about where the student is stuck.
///
/// Without a function it grades the exercise first, as `check` does, and
/// picks the group of the function whose check fails first (the order of
/// the checks is the order of the TODOs); once every check passes it turns
/// to the Challenge. Each group keeps its own count.
public struct HintCommand {
  var options: HintOptions
  var store = HintStore.standard
  var console = Console.standard
  /// Where the student is: grades the exercise (a test sets it).
  var locate: (Exercise) throws -> HintCommand.Place = HintCommand.grade
  /// Where the lines go: the terminal (a test collects them).
  var write: (String) -> Void = { Terminal.line($0) }

  public init(options: HintOptions) { self.options = options }

  /// What the hints should be about.
  enum Place: Equatable {
    /// The function whose check fails first.
    case function(String)
    /// Every check passes.
    case passing
    /// The exercise does not compile: no hint helps before that is fixed.
    case doesNotCompile
  }

  public func run() throws -> ExitCode {
    var log = store.load()
    guard let exercise = options.exercise else {
      log.reset(nil)
      try store.save(log)
      write("Hints start over for every exercise.")
      return .success
    }
    if options.reset {
      log.reset(exercise)
      try store.save(log)
      lines(
        TextWrap.wrap(
          "Hints for \(exercise.name) start over: `swift run workbook hint \(exercise.name)` shows the first.",
          width: console.width))
      return .success
    }
    if options.all {
      let groups = Hints.groups(for: exercise) + [Hints.challenge(for: exercise)]
      lines(Self.renderAll(exercise, groups, paint: console.paint, width: console.width))
      return .success
    }
    let group: HintGroup
    if let function = options.function {
      guard let chosen = Self.group(function, of: exercise) else {
        let names = (Hints.groups(for: exercise).map(\.function) + ["Challenge"]).joined(separator: ", ")
        throw CommandFailure("\(exercise.name) has no hints about “\(function)”; ask about one of: \(names)")
      }
      group = chosen
    } else {
      switch try locate(exercise) {
      case let .function(name): group = Self.group(name, of: exercise) ?? Hints.groups(for: exercise)[0]
      case .passing: group = Hints.challenge(for: exercise)
      case .doesNotCompile:
        lines(
          TextWrap.wrap(
            "\(exercise.sourceFile) does not compile, so no hint can say where the code goes wrong yet. `swift "
              + "run workbook check \(exercise.name)` shows the compiler's errors at their lines; `swift run "
              + "workbook hint \(exercise.name) <function>` gives the hints about one function anyway.",
            width: console.width))
        return .success
      }
    }
    let index = log.next(for: exercise, group: group.function, total: group.hints.count)
    lines(Self.render(exercise, group, index: index, paint: console.paint, width: console.width))
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

  private func lines(_ texts: [String]) { texts.forEach(write) }

  static func group(_ function: String, of exercise: Exercise) -> HintGroup? {
    function.lowercased() == "challenge" ? Hints.challenge(for: exercise) : Hints.group(function, of: exercise)
  }

  /// Grades `exercise` and says where its first failing check is.
  static func grade(_ exercise: Exercise) throws -> Place {
    let console = Console.standard
    var report: ExerciseReport?
    try console.grading(timeLimit: 30, what: exercise.name).grade([exercise]) { report = $0 }
    console.clearStatus()
    guard let report else { return .function(Hints.groups(for: exercise)[0].function) }
    if report.state == .doesNotCompile { return .doesNotCompile }
    guard let failing = report.results.first(where: { !$0.passed }) else { return .passing }
    let function = Grader.checks(exercise).first { $0.id == failing.check }?.function
    return .function(function ?? Hints.groups(for: exercise)[0].function)
  }

  /// "Hint 2 of 3 for ex1, clipGradNorm:", the hint, and what to do after.
  static func render(_ exercise: Exercise, _ group: HintGroup, index: Int, paint: Paint, width: Int) -> [String] {
    let about = group.function == "Challenge" ? "the Challenge of \(exercise.name)" : "\(group.function) (\(exercise.name))"
    var lines = TextWrap.wrap("Hint \(index + 1) of \(group.hints.count) about \(about):", width: width)
      .map(paint.bold) + [""]
    lines += TextWrap.wrap(group.hints[index], width: width, indent: 2, firstIndent: 2)
    lines.append("")
    let after =
      index + 1 < group.hints.count
      ? ["Still stuck? Run `swift run workbook hint \(exercise.name)` again for the next hint."]
      : [
        "That was the last hint about \(group.function == "Challenge" ? "the Challenge" : group.function). The guide "
          + "explains every step: \(exercise.guideFile)",
        "`swift run workbook hint \(exercise.name) --all` shows them all; `--reset` starts over.",
      ]
    return lines + after.flatMap { TextWrap.wrap($0, width: width).map(paint.faint) }
  }

  /// Every hint, numbered, under its function.
  static func renderAll(_ exercise: Exercise, _ groups: [HintGroup], paint: Paint, width: Int) -> [String] {
    var lines = TextWrap.wrap("Hints for \(exercise.name) (\(exercise.title)):", width: width).map(paint.bold)
    for group in groups where !group.hints.isEmpty {
      lines += ["", paint.bold(group.function == "Challenge" ? "The Challenge" : group.function)]
      for (index, hint) in group.hints.enumerated() {
        lines += TextWrap.wrap("\(index + 1). " + hint, width: width, indent: 5, firstIndent: 2)
      }
    }
    return lines
  }
}
