/// Escaping for the XML this package writes (SVG charts, JUnit reports).
///
/// Names come from users ("lr<0.1 & clip") and messages from student code,
/// and one stray `<` makes the whole file unreadable. The five special
/// characters become entities; control characters XML 1.0 forbids (an ANSI
/// escape, say) are dropped, since no entity can carry them.
public enum XML {
  /// - Parameter attribute: also encode tab and line breaks as character
  ///   references, which a parser would otherwise turn into spaces inside an
  ///   attribute value.
  public static func escape(_ text: String, attribute: Bool = false) -> String {
    var out = ""
    out.reserveCapacity(text.utf8.count)
    for scalar in text.unicodeScalars {
      switch scalar {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"": out += "&quot;"
      case "'": out += "&apos;"
      case "\n", "\r", "\t":
        if attribute { out += "&#\(scalar.value);" } else { out.unicodeScalars.append(scalar) }
      default:
        let v = scalar.value
        if v >= 0x20 && !(0xFFFE...0xFFFF).contains(v) { out.unicodeScalars.append(scalar) }
      }
    }
    return out
  }
}
