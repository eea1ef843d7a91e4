import Harness
import WorkbookKit
import Judge

/// The README of a student's copy, which describes the copy: what it holds,
/// what its first build and test cost, and the workbook's own "For
/// students" section, whose table of `swift test` suites is replaced by the
/// copy's (the copy has no tests of the workbook command or of the
/// graders). Nothing in it names what the copy lacks (the reference
/// solutions, the answer key, the instructor's commands) beyond saying
/// that there is no reference to run.
enum HandoutReadme {
  /// The copy's README, from the full workbook's.
  ///
  /// - Throws: `CommandFailure` when the full README no longer has the
  ///   headings the student section is cut at.
  static func text(from readme: String) throws -> String {
    guard let start = readme.range(of: studentsHeading),
      let table = readme.range(of: testTableParagraph, range: start.upperBound..<readme.endIndex),
      let demo = readme.range(of: demoParagraph, range: table.upperBound..<readme.endIndex),
      let end = readme.range(of: instructorsHeading, range: demo.upperBound..<readme.endIndex)
    else {
      throw CommandFailure(
        "README.md has no “\(studentsHeading)” section with “\(testTableParagraph)” and “\(demoParagraph)” "
          + "before “\(instructorsHeading)”: the handout's README is cut from it")
    }
    return introduction + readme[start.lowerBound..<table.lowerBound] + testTable
      + readme[demo.lowerBound..<end.lowerBound].trimmingCharacters(in: .newlines) + "\n"
  }

  static let studentsHeading = "## For students"
  static let testTableParagraph = "**What `swift test` shows on a fresh clone.**"
  static let demoParagraph = "**What a demo shows.**"
  static let instructorsHeading = "## For instructors"

  /// What the copy is and holds, and what its first build and test cost.
  static let introduction = """
    # The Gradient Workbook

    Your copy of the workbook: four auto-graded exercises on keeping
    training stable and on training a large batch in small memory (gradient
    clipping by norm, clipping by value, gradient accumulation with loss
    scaling, accumulation plus clipping), and an optional capstone, mixed
    precision with a dynamic loss scaler. Everything runs on a small tensor
    autograd engine written in plain Swift.

    Needs Swift 6.1 or newer (tested with 6.3.1 on Linux); nothing else to
    install, no packages are fetched.

    \(Timing.text)

    **What this copy holds.**

    - `Exercises/`: one folder per exercise, with its guide (`README.md`)
      and the Swift file you fill in.
    - `Sources/`: the engine (`Sources/Autograd`), the data sets, the charts,
      the graders (`Sources/Judge`) and the `workbook` command.
    - `Tests/`: the engine's, the data sets' and the charts' own tests, and
      `Tests/ExerciseTests`, the exercises' graders for `swift test`.
    - `docs/`: the charts shown below.
    - `.workbook/answers/`: what correct code does in every graded scenario,
      as data, which the graders compare your code's runs with.
    - `.workbook/stubs/`: the exercise files as shipped:
      `swift run workbook reset ex3` puts one back (it keeps yours under
      `.build/workbook-backups/` first).

    There are no reference solutions in it: `swift run workbook run ex1`
    runs your code, and asks you to write it first while it is a stub.


    """

  /// The copy's suites on its untouched stubs.
  static var testTable: String {
    var rows = ["| every other suite: the engine, the data sets, the charts | ✔ pass |"]
    for exercise in Exercise.allCases {
      let checks = Grader.checkIDs(exercise).count
      rows.append("| Exercise \(exercise.rawValue): \(exercise.title) | ✘ \(checks) checks not implemented |")
    }
    return """
      **What `swift test` shows in a fresh copy.** The engine's own tests
      pass; the exercise suites fail, each check with "not implemented yet:
      fill in TODO(exN)":

      | suite | on a fresh copy |
      |---|---|
      \(rows.joined(separator: "\n"))


      """
  }

  /// Measured once in a fresh copy (`swift run workbook handout DIR`, then
  /// in DIR `time swift build` and `time swift test`), with `uptime`'s load
  /// as each started. Measure again when the package's size changes.
  enum Timing {
    static let text = """
      **The first build and test take a while.** In a fresh copy the first
      `swift build` took 35 s, and the first `swift test` after it 59 s
      more: about 25 s to build the test targets, then 33 s to grade the
      stubs (every check fails until you write your code). That was on a
      2-core machine with nothing else building (load 0.9 as the build
      started, 1.7 as the tests did). Later runs rebuild only what changed.
      """
  }
}
