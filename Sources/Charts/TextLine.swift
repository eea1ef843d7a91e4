/// A line of terminal output kept as styled pieces until the very end.
///
/// Layout decisions (widths, truncation) must ignore escape codes, so styles
/// are attached to pieces rather than mixed into the text; `rendered` adds
/// them last, or not at all when colour is off.
struct TextLine {
  enum Style: Equatable {
    case bold
    case faint
    case color256(Int)

    var code: String {
      switch self {
      case .bold: return "1"
      case .faint: return "2"
      case .color256(let n): return "38;5;\(n)"
      }
    }
  }

  struct Span {
    var text: String
    var style: Style?
  }

  var spans: [Span] = []

  init(_ text: String = "", style: Style? = nil) {
    if !text.isEmpty { spans.append(Span(text: text, style: style)) }
  }

  var width: Int { spans.reduce(0) { $0 + DisplayWidth.of($1.text) } }

  mutating func append(_ text: String, style: Style? = nil) {
    guard !text.isEmpty else { return }
    if let last = spans.last, last.style == style {
      spans[spans.count - 1].text += text
    } else {
      spans.append(Span(text: text, style: style))
    }
  }

  mutating func append(_ other: TextLine) {
    for span in other.spans { append(span.text, style: span.style) }
  }

  /// The line as terminal text, never wider than `maxWidth` columns.
  ///
  /// Trailing spaces are dropped: they are invisible and only make copied
  /// output and line-width checks noisier.
  func rendered(color: Bool, maxWidth: Int) -> String {
    var pieces: [(String, Style?)] = []
    var used = 0
    outer: for span in spans {
      var text = ""
      for character in span.text {
        let w = DisplayWidth.of(character)
        if used + w > maxWidth { pieces.append((text, span.style)); break outer }
        text.append(character)
        used += w
      }
      pieces.append((text, span.style))
    }
    // Strip trailing spaces across pieces.
    while let last = pieces.last {
      let trimmed = String(last.0.reversed().drop(while: { $0 == " " }).reversed())
      if trimmed.isEmpty {
        pieces.removeLast()
      } else {
        pieces[pieces.count - 1].0 = trimmed
        break
      }
    }
    var out = ""
    for (text, style) in pieces where !text.isEmpty {
      if color, let style {
        out += "\u{1B}[\(style.code)m\(text)\u{1B}[0m"
      } else {
        out += text
      }
    }
    return out
  }
}
