/// How the n-th series is drawn, shared by both renderers so "the orange
/// triangles" in the terminal are the orange line in the SVG.
struct SeriesStyle: Sendable, Equatable {
  /// Terminal glyph; distinct shapes keep series apart when colour is off
  /// (piped output, CI logs, colour-blind readers).
  var glyph: Character
  /// SVG stroke colour, from the Okabe–Ito palette, which stays distinguishable
  /// under the common forms of colour blindness.
  var color: String
  /// The closest xterm-256 colour, for terminals.
  var ansi256: Int
  /// SVG dash pattern, used once the palette wraps so the 9th series is not
  /// mistaken for the 1st.
  var dash: String?

  // Okabe–Ito without its yellow (too faint on white) and with black last.
  private static let palette: [(color: String, ansi256: Int)] = [
    ("#0072B2", 32),  // blue
    ("#E69F00", 214),  // orange
    ("#009E73", 36),  // bluish green
    ("#D55E00", 166),  // vermillion
    ("#CC79A7", 175),  // reddish purple
    ("#56B4E9", 117),  // sky blue
    ("#000000", 250),  // black (light grey in a dark terminal)
  ]
  private static let glyphs: [Character] = ["●", "▲", "■", "◆", "○", "△", "□", "◇", "×", "+", "*", "#"]
  private static let dashes: [String?] = [nil, "6 3", "2 3", "8 3 2 3"]

  static func at(_ index: Int) -> SeriesStyle {
    let i = max(index, 0)
    let entry = palette[i % palette.count]
    return SeriesStyle(
      glyph: glyphs[i % glyphs.count],
      color: entry.color,
      ansi256: entry.ansi256,
      dash: dashes[(i / palette.count) % dashes.count])
  }
}
