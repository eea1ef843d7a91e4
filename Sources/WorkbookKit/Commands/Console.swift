import Foundation

/// What every command needs to know about where it writes.
struct Console {
  var paint: Paint
  var width: Int
  var interactive: Bool

  /// The real terminal (or pipe) behind standard output.
  static var standard: Console {
    Console(paint: Paint(enabled: Terminal.useColor()), width: Terminal.width, interactive: Terminal.isInteractive)
  }

  func line(_ text: String = "") { Terminal.line(text) }
  func lines(_ texts: [String]) { texts.forEach { Terminal.line($0) } }

  /// A status line that the next `status` or `clearStatus` replaces; only
  /// on a terminal (a log would keep every one).
  func status(_ text: String) {
    if interactive { Terminal.write(Terminal.rewriteLine + paint.faint(text)) }
  }

  func clearStatus() {
    if interactive { Terminal.write(Terminal.rewriteLine) }
  }

  /// WORKBOOK_SOLUTIONS=1: the runners are built with the reference
  /// solutions in place of Exercises/ (Package.swift reads the same
  /// variable, and the runners are built from this very environment).
  static var gradingSolutions: Bool {
    ["1", "true", "yes"].contains((ProcessInfo.processInfo.environment["WORKBOOK_SOLUTIONS"] ?? "").lowercased())
  }

  /// Said once when the graded code is not the student's.
  func noteGradedFolder() {
    if Self.gradingSolutions {
      lines(
        TextWrap.wrap("Grading the reference solutions in Solutions/ (built with WORKBOOK_SOLUTIONS=1).", width: width)
          .map(paint.faint))
    }
  }
}

extension Console {
  /// Every command's way to grade: build the runners, grade in children,
  /// with a status line for each stage.
  func grading(timeLimit: TimeInterval, what: String) throws -> WorkbookGrading {
    var grading = WorkbookGrading(build: try RunnerBuild.here(), timeLimit: timeLimit)
    grading.onStage = { stage in
      switch stage {
      case .building: self.status("Building \(what)…")
      case .grading: self.status("Grading \(what)…")
      }
    }
    return grading
  }
}
