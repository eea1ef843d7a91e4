import Foundation
import Implementations

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

  /// Said once when the graded code is not the student's.
  func noteGradedFolder() {
    if Implementations.gradingSolutions {
      line(paint.faint("Grading the reference solutions in Solutions/ (built with WORKBOOK_SOLUTIONS=1)."))
    }
  }
}
