import Charts
import Foundation

/// Terminal output without its colour codes, so widths can be measured the
/// way a terminal would show them.
func stripANSI(_ text: String) -> String {
  var out = ""
  var scalars = text.unicodeScalars.makeIterator()
  while let scalar = scalars.next() {
    if scalar == "\u{1B}" {
      // Skip "[" … final letter.
      while let next = scalars.next(), !(next.properties.isAlphabetic && next != "[") {}
      continue
    }
    out.unicodeScalars.append(scalar)
  }
  return out
}

/// The y-axis tick labels of a terminal chart: the text before " ┤".
func yTickLabels(_ rendered: String) -> [String] {
  rendered.split(separator: "\n").compactMap { line in
    guard let range = line.range(of: " ┤") else { return nil }
    return line[..<range.lowerBound].trimmingCharacters(in: .whitespaces)
  }
}

/// Rows of the plot area (everything right of the y axis).
func plotRows(_ rendered: String) -> [String] {
  rendered.split(separator: "\n", omittingEmptySubsequences: false).compactMap { line in
    guard let axis = line.firstIndex(where: { $0 == "┤" || $0 == "│" }) else { return nil }
    return String(line[line.index(after: axis)...])
  }
}

/// A loss-like chart with the awkward cases in it: long names, a run that
/// diverges, a run with no finite values.
func awkwardChart(logScale: Bool = false) -> LineChart {
  let smooth = (0..<120).map { 2.0 * pow(0.97, Double($0)) + 0.01 }
  let diverging = (0..<120).map { $0 < 70 ? 1.5 * pow(1.02, Double($0)) : Double.nan }
  return LineChart(
    title: "A rather long chart title that goes on and on, to test truncation in narrow terminals",
    xLabel: "optimizer step",
    yLabel: "training loss",
    series: [
      .init("clipped at max-norm 1.0 with gradient accumulation over 8 micro-batches", smooth),
      .init("diverging", diverging),
      .init("broken", [.nan, .nan, .infinity]),
    ],
    logScaleY: logScale)
}
