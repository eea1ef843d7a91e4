import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// What the standard output is connected to, decided once.
///
/// Progress lines are rewritten in place and colours are used only on a
/// terminal: in a log file or a CI transcript, escape codes are noise.
public enum Terminal {
  /// Standard output is a terminal.
  public static var isInteractive: Bool { isatty(STDOUT_FILENO) == 1 }

  /// Colours on: a terminal, NO_COLOR unset (https://no-color.org), unless
  /// `override` (`--color` / `--no-color`) says otherwise.
  public static func useColor(override: Bool? = nil, environment: [String: String] = ProcessInfo.processInfo.environment)
    -> Bool
  {
    if let override { return override }
    return isInteractive && (environment["NO_COLOR"] ?? "").isEmpty && environment["TERM"] != "dumb"
  }

  /// The widest line the workbook prints.
  public static let maximumWidth = 80

  /// The width every line is wrapped to: the terminal's when standard
  /// output is one, 80 otherwise, and never more than 80 (a long line is
  /// hard to read even on a wide screen). COLUMNS may narrow it.
  public static var width: Int {
    var size = winsize()
    let columns =
      isInteractive && ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0 && size.ws_col > 0 ? Int(size.ws_col) : nil
    return lineWidth(terminalColumns: columns, environment: ProcessInfo.processInfo.environment)
  }

  /// `width` from what was found: the terminal's columns (nil when standard
  /// output is not a terminal) and the environment's COLUMNS.
  public static func lineWidth(terminalColumns: Int?, environment: [String: String]) -> Int {
    var width = min(terminalColumns ?? maximumWidth, maximumWidth)
    if let columns = environment["COLUMNS"].flatMap(Int.init), columns > 0 { width = min(width, columns) }
    // Narrower than this, a path alone fills the line; the terminal wraps.
    return max(width, minimumWidth)
  }

  /// The narrowest width wrapped to.
  public static let minimumWidth = 50

  /// Writes to standard output at once (no buffering surprises between
  /// our lines and a child's).
  public static func write(_ text: String) {
    FileHandle.standardOutput.write(Data(text.utf8))
  }

  /// Writes one line to standard output.
  public static func line(_ text: String = "") { write(text + "\n") }

  /// Writes one line to standard error.
  public static func errorLine(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
  }

  /// Carriage return and "erase line": the start of a line rewritten in place.
  public static let rewriteLine = "\r\u{1B}[2K"
}

/// Colours for marks and headings; plain text when off.
///
/// Always applied to finished, already-aligned text, so escape codes never
/// count toward a column width.
public struct Paint {
  public var enabled: Bool

  public init(enabled: Bool) { self.enabled = enabled }

  public func green(_ text: String) -> String { style("32", text) }
  public func red(_ text: String) -> String { style("31", text) }
  public func yellow(_ text: String) -> String { style("33", text) }
  public func bold(_ text: String) -> String { style("1", text) }
  public func faint(_ text: String) -> String { style("2", text) }

  private func style(_ code: String, _ text: String) -> String {
    enabled && !text.isEmpty ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
  }
}
