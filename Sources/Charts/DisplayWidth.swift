/// How many terminal columns text takes.
///
/// `String.count` is wrong for layout: a CJK character or an emoji takes two
/// columns and a combining accent takes none, so tables and chart legends
/// built on `count` come out ragged as soon as a run is named in another
/// script. This is a compact approximation of East Asian Width, good enough
/// for labels; it is not a full implementation of UAX #11. The escape
/// codes of colours take no column. The one measure of width the workbook
/// uses, for charts, tables and wrapped text alike.
public enum DisplayWidth {
  public static func of(_ text: String) -> Int {
    var count = 0
    var inEscape = false
    for scalar in text.unicodeScalars {
      if inEscape {
        if scalar.properties.isAlphabetic { inEscape = false }
      } else if scalar == "\u{1B}" {
        inEscape = true
      } else {
        count += of(scalar)
      }
    }
    return count
  }

  static func of(_ character: Character) -> Int {
    character.unicodeScalars.reduce(0) { $0 + of($1) }
  }

  static func of(_ scalar: Unicode.Scalar) -> Int {
    let v = scalar.value
    if v == 0 { return 0 }
    if v < 0x20 || (0x7F..<0xA0).contains(v) { return 0 }
    switch scalar.properties.generalCategory {
    case .nonspacingMark, .enclosingMark, .format:
      return 0
    default:
      break
    }
    if scalar.properties.isEmojiPresentation { return 2 }
    if isWide(v) { return 2 }
    return 1
  }

  private static func isWide(_ v: UInt32) -> Bool {
    switch v {
    case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF,
      0x4E00...0x9FFF, 0xA000...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF,
      0xFE30...0xFE4F, 0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x20000...0x3FFFD:
      return true
    default:
      return false
    }
  }

  /// `text`'s lines, each wrapped to `width` columns, with `indent` spaces
  /// before every line after the first (`firstIndent` before the first).
  ///
  /// Only spaces are break points, so a path or a formula is never cut in
  /// the middle; a word longer than the line stays whole and overflows.
  /// The one word wrap of the workbook: help, diagnoses, demo prose and
  /// chart legends.
  public static func wrap(_ text: String, width: Int, indent: Int = 0, firstIndent: Int? = nil) -> [String] {
    var lines: [String] = []
    for paragraph in text.split(separator: "\n", omittingEmptySubsequences: false) {
      let leadingSpaces = paragraph.prefix { $0 == " " }.count
      var current = ""
      var currentIndent = lines.isEmpty ? (firstIndent ?? indent) : indent
      currentIndent += leadingSpaces
      for word in paragraph.split(separator: " ") {
        let candidate = current.isEmpty ? String(word) : current + " " + word
        if !current.isEmpty && currentIndent + of(candidate) > width {
          lines.append(String(repeating: " ", count: currentIndent) + current)
          current = String(word)
          currentIndent = indent + leadingSpaces
        } else {
          current = candidate
        }
      }
      lines.append(current.isEmpty ? "" : String(repeating: " ", count: currentIndent) + current)
    }
    return lines
  }

  /// `text` cut to at most `width` columns, ending in "…" when something was
  /// dropped so a reader knows the label is incomplete.
  static func truncate(_ text: String, to width: Int) -> String {
    guard width > 0 else { return "" }
    if of(text) <= width { return text }
    var out = ""
    var used = 0
    for character in text {
      let w = of(character)
      if used + w > width - 1 { break }
      out.append(character)
      used += w
    }
    return out + "…"
  }

  /// `text` padded with spaces to `width` columns on the side `alignment`
  /// leaves empty.
  static func pad(_ text: String, to width: Int, alignment: Table.Alignment) -> String {
    let fill = String(repeating: " ", count: max(0, width - of(text)))
    switch alignment {
    case .left: return text + fill
    case .right: return fill + text
    }
  }
}
