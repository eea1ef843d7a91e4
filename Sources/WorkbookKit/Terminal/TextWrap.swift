import Charts
/// Word wrapping for help texts and diagnostics, on `DisplayWidth.wrap`.
public enum TextWrap {
  /// `text`'s lines, each wrapped to `width` columns, with `indent` spaces
  /// before every line after the first (`firstIndent` before the first).
  public static func wrap(_ text: String, width: Int, indent: Int = 0, firstIndent: Int? = nil) -> [String] {
    DisplayWidth.wrap(text, width: width, indent: indent, firstIndent: firstIndent)
  }

  /// `text` wrapped after `prefix` (a mark, a label, possibly painted):
  /// the first line starts with it, the others with `indent` spaces.
  ///
  ///     "  ✗ " + "A check whose sentence is long…" →
  ///       ✗ A check whose sentence is
  ///         long…
  public static func wrap(_ text: String, width: Int, after prefix: String, indent: Int) -> [String] {
    let start = columns(prefix)
    var lines = wrap(text, width: width, indent: indent, firstIndent: start)
    lines[0] = prefix + lines[0].dropFirst(start)
    return lines
  }

  /// `lines` with `suffix` after the last one, `separator` between, when it
  /// still fits in `width`; on a line of its own, `indent` spaces in,
  /// otherwise. For a label such as "(does not compile)" that belongs
  /// to the text before it but must not be split.
  public static func appending(_ suffix: String, separator: String = "  ", to lines: [String], width: Int, indent: Int)
    -> [String]
  {
    guard let last = lines.last else { return [suffix] }
    if columns(last) + separator.count + columns(suffix) <= width {
      return lines.dropLast() + [last + separator + suffix]
    }
    return lines + [String(repeating: " ", count: indent) + suffix]
  }

  /// The columns `text` takes on screen (see `DisplayWidth`).
  public static func columns(_ text: String) -> Int { DisplayWidth.of(text) }

  /// `wrap` joined into one string.
  public static func wrapped(_ text: String, width: Int, indent: Int = 0, firstIndent: Int? = nil) -> String {
    wrap(text, width: width, indent: indent, firstIndent: firstIndent).joined(separator: "\n")
  }
}
