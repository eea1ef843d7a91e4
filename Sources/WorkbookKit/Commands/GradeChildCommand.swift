import Foundation
import Grading
import Implementations

/// `workbook __grade exN`: the child side of isolated grading. Runs the
/// checks on the code built into this binary and never returns.
struct GradeChildCommand {
  var options: GradeChildOptions

  func run() -> Never {
    // Line-buffer `print`: into a pipe it would otherwise be held back until
    // exit (and lost in a crash), so a student's debug output would land
    // after the markers of later checks, or nowhere.
    setvbuf(stdout, nil, _IOLBF, 0)
    IsolatedGrading.runChild(
      options.exercise, checks: options.checks, code: Implementations.graded, timeLimit: options.timeLimit)
  }
}
