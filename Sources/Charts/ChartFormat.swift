import Foundation

/// Short number labels shared by the terminal chart, the SVG chart and
/// anything a student prints next to them, so the same value reads the same
/// everywhere.
public enum ChartFormat {
  /// A label of at most `significantDigits` significant digits, trailing
  /// zeros dropped.
  ///
  /// Plain decimals are used from 0.001 up to 9999 because that is where a
  /// reader compares them fastest; outside that range the exponent is the
  /// interesting part, so it is written as `2.3e4` / `1e-5` rather than a run
  /// of zeros that would not fit beside an axis. Non-finite values spell out
  /// what happened (`nan`, `inf`, `-inf`) because in a training log they mean
  /// a run diverged, which must never look like an ordinary number.
  public static func compact(_ x: Double, significantDigits: Int = 3) -> String {
    if x.isNaN { return "nan" }
    if x.isInfinite { return x < 0 ? "-inf" : "inf" }
    if x == 0 { return "0" }
    let digits = min(max(significantDigits, 1), 17)
    // Let printf do the rounding; the exponent it reports is the one *after*
    // rounding, so 9999.7 correctly becomes 1e4 rather than "10000".
    let scientific = String(format: "%.\(digits - 1)e", x)
    guard let eIndex = scientific.firstIndex(where: { $0 == "e" || $0 == "E" }),
      let exponent = Int(scientific[scientific.index(after: eIndex)...])
    else { return scientific }
    if exponent >= -3 && exponent < 4 {
      let decimals = max(0, digits - 1 - exponent)
      return tidy(trimZeros(String(format: "%.\(decimals)f", x)))
    }
    let mantissa = trimZeros(String(scientific[..<eIndex]))
    return tidy("\(mantissa)e\(exponent)")
  }

  /// Labels for a set of axis ticks, with just enough digits that no two
  /// ticks read the same (ticks 1000.5 and 1001 need more than three).
  public static func tickLabels(_ values: [Double]) -> [String] {
    var digits = 3
    while true {
      let labels = values.map { compact($0, significantDigits: digits) }
      if Set(labels).count == Set(values).count || digits >= 12 { return labels }
      digits += 1
    }
  }

  static func trimZeros(_ s: String) -> String {
    guard s.contains(".") else { return s }
    var out = s
    while out.hasSuffix("0") { out.removeLast() }
    if out.hasSuffix(".") { out.removeLast() }
    return out
  }

  /// Rounding a tiny negative number can leave "-0", which looks like a bug.
  static func tidy(_ s: String) -> String {
    s == "-0" ? "0" : s
  }
}
