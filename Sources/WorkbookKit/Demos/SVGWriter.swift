import Charts

/// A small SVG document written element by element, on Charts' `SVG`
/// helpers (attributes escaped, coordinates to two decimals).
struct SVGWriter {
  private var lines: [String]

  init(width: Double, height: Double, title: String) {
    lines = [
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" "
        + "viewBox=\"0 0 \(Int(width)) \(Int(height))\" font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\">",
      "<title>\(SVG.escape(title))</title>",
      "<rect x=\"0\" y=\"0\" width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>",
    ]
  }

  mutating func element(_ tag: String, _ attributes: SVG.Attributes) {
    lines.append(SVG.empty(tag, attributes))
  }

  mutating func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, _ attributes: SVG.Attributes) {
    lines.append(SVG.line(x1, y1, x2, y2, attributes))
  }

  mutating func text(_ content: String, x: Double, y: Double, _ attributes: SVG.Attributes) {
    lines.append(SVG.text(content, [("x", SVG.number(x)), ("y", SVG.number(y))] + attributes))
  }

  /// Markup written as is: the caller makes it well-formed.
  mutating func raw(_ markup: String) { lines.append(markup) }

  func finish() -> String { (lines + ["</svg>"]).joined(separator: "\n") + "\n" }
}
