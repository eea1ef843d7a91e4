import Foundation
import Harness

/// What every command needs to know about where it writes.
public struct Console {
  public init(paint: Paint, width: Int, interactive: Bool) {
    self.paint = paint
    self.width = width
    self.interactive = interactive
  }

  public var paint: Paint
  public var width: Int
  public var interactive: Bool

  /// The real terminal (or pipe) behind standard output.
  public static var standard: Console {
    Console(paint: Paint(enabled: Terminal.useColor()), width: Terminal.width, interactive: Terminal.isInteractive)
  }

  public func line(_ text: String = "") { Terminal.line(text) }
  public func lines(_ texts: [String]) { texts.forEach { Terminal.line($0) } }

  /// A status line that the next `status` or `clearStatus` replaces; only
  /// on a terminal (a log would keep every one).
  public func status(_ text: String) {
    if interactive { Terminal.write(Terminal.rewriteLine + paint.faint(text)) }
  }

  public func clearStatus() {
    if interactive { Terminal.write(Terminal.rewriteLine) }
  }

  /// WORKBOOK_SOLUTIONS=1: the runners are built with the reference
  /// solutions in place of Exercises/ (Package.swift reads the same
  /// variable, and the runners are built from this very environment).
  public static var gradingSolutions: Bool {
    GradedCode.isSolutions
  }

  /// Said once when the graded code is not the student's.
  public func noteGradedFolder() {
    if Self.gradingSolutions {
      lines(
        TextWrap.wrap("Grading the reference solutions in Solutions/ (built with WORKBOOK_SOLUTIONS=1).", width: width)
          .map(paint.faint))
    }
  }
}
