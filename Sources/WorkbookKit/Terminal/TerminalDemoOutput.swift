import Foundation

/// The `DemoOutput` of `workbook run`: progress rewritten in place on a
/// terminal, thinned-out plain lines elsewhere.
///
/// On a terminal each progress line replaces the previous one, so a
/// 500-step run shows one moving line. In a log, every `plainEvery`-th
/// progress line is kept, and the last one before a finished line is always
/// kept so the final state is on record.
public final class TerminalDemoOutput: DemoOutput {
  private let interactive: Bool
  private let plainEvery: Int
  private let write: (String) -> Void
  private var progressCount = 0
  /// Interactive: a progress line is on screen. Plain: the latest progress
  /// line not printed yet.
  private var pending: String?

  public init(interactive: Bool = Terminal.isInteractive, plainEvery: Int = 25, write: @escaping (String) -> Void = Terminal.write) {
    self.interactive = interactive
    self.plainEvery = max(1, plainEvery)
    self.write = write
  }

  public func line(_ text: String) {
    if interactive {
      write((pending != nil ? Terminal.rewriteLine : "") + text + "\n")
    } else {
      if let pending { write(pending + "\n") }
      write(text + "\n")
    }
    pending = nil
  }

  public func progress(_ text: String) {
    progressCount += 1
    if interactive {
      write(Terminal.rewriteLine + text)
      pending = text
    } else if progressCount == 1 || progressCount % plainEvery == 0 {
      write(text + "\n")
      pending = nil
    } else {
      pending = text
    }
  }

  /// Ends a progress line left on screen, so the shell prompt starts on a
  /// fresh line.
  public func finish() {
    if interactive, pending != nil { write("\n") }
    if !interactive, let pending { write(pending + "\n") }
    pending = nil
  }
}
