import Grading
import Implementations

/// `workbook __grade exN`: the child side of isolated grading. Runs the
/// checks on the code built into this binary and never returns.
struct GradeChildCommand {
  var options: GradeChildOptions

  func run() -> Never {
    IsolatedGrading.runChild(
      options.exercise, checks: options.checks, code: Implementations.graded, timeLimit: options.timeLimit)
  }
}
