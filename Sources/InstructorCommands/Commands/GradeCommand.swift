import Charts
import Foundation
import Harness
import WorkbookKit
import Judge
import StudentCommands

/// `workbook grade`: the report a course autograder uploads.
///
/// A failing student is not a failure of this command: the exit code is 0
/// whenever the report was produced, 1 only when it could not be written.
public struct GradeCommand {
  var options: GradeOptions

  public init(options: GradeOptions) { self.options = options }
  var console = Console.standard

  public func run() throws -> ExitCode {
    // Before grading: a path that cannot be written is an error now, not
    // after every exercise has been built and graded.
    let jsonPath = try OutputPath.checked(options.jsonPath)
    let junitPath = try OutputPath.checked(options.junitPath)
    if let jsonPath, jsonPath == junitPath {
      throw CommandFailure("--json and --junit both name \(jsonPath); give each report its own file")
    }
    var reports: [ExerciseReport] = []
    // An optional exercise counts only when the instructor asks for it.
    let exercises = Exercise.allCases.filter { !$0.isOptional || options.optional.contains($0) }
    let submitted = exercises.filter { !options.notSubmitted.contains($0) }
    var graded: [Exercise: ExerciseReport] = [:]
    var grading = try console.grading(timeLimit: options.timeLimit, what: "every exercise")
    if let hidden = options.hiddenPath {
      grading.grader = try Self.hiddenGrader(hidden, root: grading.root)
    }
    if let user = options.runAs { grading.launcher = try Self.launcher(runningAs: user) }
    try grading.grade(submitted) { graded[$0.exercise] = $0 }
    reports = exercises.map { graded[$0] ?? Self.notSubmitted($0) }
    console.clearStatus()

    if let jsonPath {
      let report = GradescopeReport(
        reports, visibility: options.visibility, stdoutVisibility: options.stdoutVisibility,
        hiddenVisibility: options.hiddenVisibility)
      try OutputPath.write(try report.json(), to: jsonPath)
    }
    if let junitPath {
      try OutputPath.write(Data(JUnitReport.xml(reports).utf8), to: junitPath)
    }
    let files = [jsonPath, junitPath].compactMap { $0 }
    console.lines(Self.output(reports, files: files, hidden: options.hiddenPath != nil, width: console.width))
    return .success
  }

  /// What `grade` prints, with or without report files: the table of
  /// scores, then the files written, if any. With hidden scenarios
  /// (`--hidden`, in an autograder) no table: Gradescope shows the
  /// autograder's output to students, and the hidden checks' results must
  /// wait for their own visibility setting.
  static func output(_ reports: [ExerciseReport], files: [String], hidden: Bool = false, width: Int) -> [String] {
    if hidden && !files.isEmpty {
      return TextWrap.wrap(
        "Wrote \(files.joined(separator: " and ")). No table: it would show the hidden checks' results in the "
          + "autograder's output.", width: width)
    }
    let table = Self.table(reports, width: width).render().split(separator: "\n").map(String.init)
    return files.isEmpty ? table : table + wroteLines(files: files, width: width)
  }

  /// The grader of an autograder's hidden scenarios: the seeds drawn when
  /// the bundle was made (`seeds.json`), judged with their answers, and the
  /// public answers for the checks that use no seed.
  static func hiddenGrader(_ path: String, root: URL) throws -> Grader {
    let folder = URL(fileURLWithPath: path, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
    let seedsFile = folder.appendingPathComponent(HiddenScenarios.seedsFile)
    guard let data = FileManager.default.contents(atPath: seedsFile.path),
      let seeds = try? JSONDecoder().decode(Seeds.self, from: data), seeds.draw != nil
    else {
      throw CommandFailure("--hidden \(path): \(seedsFile.path) is missing or unreadable; write the bundle again")
    }
    return Grader(answers: try WorkbookGrading.answers(root: root, extra: [folder]), seeds: seeds)
  }

  /// The command prefix that runs a runner as `user`: `setpriv` with the
  /// user's ids and no supplementary groups, which only root may use.
  static func launcher(runningAs user: String) throws -> [String] {
    guard let entry = getpwnam(user) else { throw CommandFailure("--run-as \(user): there is no such user") }
    guard geteuid() == 0 else { throw CommandFailure("--run-as \(user) needs root, to start the runners as that user") }
    let setpriv = ["/usr/bin/setpriv", "/bin/setpriv"].first { FileManager.default.isExecutableFile(atPath: $0) }
    guard let setpriv else { throw CommandFailure("--run-as needs setpriv (util-linux), which is not installed") }
    return [setpriv, "--reuid=\(entry.pointee.pw_uid)", "--regid=\(entry.pointee.pw_gid)", "--clear-groups", "--"]
  }

  /// The report of an exercise whose file the submission did not hold.
  static func notSubmitted(_ exercise: Exercise) -> ExerciseReport {
    let file = (exercise.sourceFile as NSString).lastPathComponent
    return ExerciseReport(
      exercise: exercise,
      results: Grader.checks(exercise).map {
        CheckResult(
          exercise: exercise, check: $0.id, title: $0.title, status: .notSubmitted,
          message: "\(file) was not in the submission, so \(exercise.name) scores 0. Submit the file named "
            + "\(file) (it is found by its name anywhere in the submission).")
      })
  }

  /// "Wrote results.json and junit.xml.", wrapped (the score is the
  /// table's total row, just above).
  static func wroteLines(files: [String], width: Int) -> [String] {
    TextWrap.wrap("Wrote \(files.joined(separator: " and ")).", width: width)
  }

  /// Exercise (with its state's mark), checks passed, score; a total row.
  ///
  /// The scores are exact (see `Score`), so the column adds up to the
  /// total and agrees with the results.json. The widest row (exercise 3,
  /// "22.875 / 25") is about 73 columns: a state column ("not started") would push
  /// it past 80, and the mark says the same. Narrower than the table, the
  /// exercises' titles are left out (`workbook list` shows them).
  static func table(_ reports: [ExerciseReport], width: Int = Terminal.maximumWidth) -> Table {
    let table = table(reports, titles: true)
    let widest = table.render().split(separator: "\n").map { TextWrap.columns(String($0)) }.max() ?? 0
    return widest <= width ? table : Self.table(reports, titles: false)
  }

  private static func table(_ reports: [ExerciseReport], titles: Bool) -> Table {
    var table = Table(columns: [.init("Exercise"), .init("Checks", alignment: .right), .init("Score", alignment: .right)])
    let maximum = Score.format(Score.perExercise)
    for report in reports {
      table.addRow([
        "\(Marks.mark(report.state)) \(report.exercise.name)" + (titles ? "  \(report.exercise.title)" : ""),
        "\(report.passedCount)/\(report.results.count)",
        "\(Score.format(Score.points(report))) / \(maximum)",
      ])
    }
    let passed = reports.reduce(0) { $0 + $1.passedCount }
    let checks = reports.reduce(0) { $0 + $1.results.count }
    table.addRow(["Total", "\(passed)/\(checks)", Score.summary(reports)])
    return table
  }
}
