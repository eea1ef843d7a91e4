/// Word wrapping for help texts and diagnostics.
///
/// Only spaces are break points, so a path or a formula is never cut in
/// the middle; a word longer than the line stays whole and overflows.
enum TextWrap {
  /// `text`'s lines, each wrapped to `width` columns, with `indent` spaces
  /// before every line after the first (`firstIndent` before the first).
  static func wrap(_ text: String, width: Int, indent: Int = 0, firstIndent: Int? = nil) -> [String] {
    var lines: [String] = []
    for paragraph in text.split(separator: "\n", omittingEmptySubsequences: false) {
      let leadingSpaces = paragraph.prefix { $0 == " " }.count
      var current = ""
      var currentIndent = lines.isEmpty ? (firstIndent ?? indent) : indent
      currentIndent += leadingSpaces
      for word in paragraph.split(separator: " ") {
        let candidate = current.isEmpty ? String(word) : current + " " + word
        if !current.isEmpty && currentIndent + candidate.count > width {
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

  /// `wrap` joined into one string.
  static func wrapped(_ text: String, width: Int, indent: Int = 0, firstIndent: Int? = nil) -> String {
    wrap(text, width: width, indent: indent, firstIndent: firstIndent).joined(separator: "\n")
  }
}
