import Charts
import Foundation

/// What a demo shows and keeps: text, charts and tables go to the
/// `DemoOutput` as they are ready, files go where `DemoOptions` says, and
/// the headline numbers collect in `summary`.
///
/// Every demo writes through one of these, so the four demos look alike:
/// a title, a few wrapped sentences on what runs, a progress line while it
/// trains, charts at the terminal width, tables, and a closing remark.
final class DemoReport {
  let options: DemoOptions
  let output: DemoOutput
  private(set) var summary = DemoSummary()

  init(options: DemoOptions, output: DemoOutput) {
    self.options = options
    self.output = output
  }

  /// Terminal width, never below 40 columns (narrower helps no one).
  var width: Int { max(options.width, 40) }

  // MARK: Text

  /// "Exercise 1 · Gradient clipping by norm", underlined.
  func title(_ text: String) {
    output.line(text)
    output.line(String(repeating: "═", count: min(DisplayWidth.of(text), width)))
  }

  /// A section heading, preceded by an empty line.
  func heading(_ text: String) {
    output.line("")
    output.line(text)
    output.line(String(repeating: "─", count: min(DisplayWidth.of(text), width)))
  }

  /// Prose wrapped at the terminal width (80 at most: longer lines read badly).
  func paragraph(_ text: String, indent: String = "") {
    // Never narrower than 20 columns, however deep the indent.
    for line in DisplayWidth.wrap(text, width: max(min(width, 80) - indent.count, 20)) {
      output.line(indent + line)
    }
  }

  func blank() { output.line("") }

  func line(_ text: String) { output.line(text) }

  func progress(_ text: String) { output.progress(text) }

  /// A terminal chart at the terminal width, with an empty line above it.
  func chart(_ chart: LineChart, height: Int = 12) {
    output.line("")
    for line in chart.renderText(width: width, height: height, color: options.color).split(
      separator: "\n", omittingEmptySubsequences: false)
    {
      output.line(String(line))
    }
  }

  func table(_ table: Table) {
    output.line("")
    for line in table.render().split(separator: "\n") { output.line(String(line)) }
  }

  // MARK: Summary

  func record(_ name: String, _ value: Double) { summary.values[name] = value }

  func record(_ name: String, fact: String) { summary.facts[name] = fact }

  /// Records one run's headline numbers for the multi-seed summary.
  func recordRun(_ name: String, diverged: Bool, _ measures: [(String, Double)]) {
    summary.runs.append(RunSummary(name: name, diverged: diverged, measures: measures.map { .init($0.0, $0.1) }))
  }

  func recordChoice(_ name: String, _ choice: String) { summary.choices[name] = choice }

  // MARK: Files

  /// Saves each SVG: the first at `options.svgPath`, the others with their
  /// suffix before the extension (`loss.svg`, `loss-norm.svg`). Does
  /// nothing without an `svgPath`.
  func saveSVGs(_ documents: [(suffix: String, svg: String)]) throws {
    guard let path = options.svgPath else { return }
    for (index, document) in documents.enumerated() {
      let target = index == 0 ? path : Self.path(path, suffix: document.suffix)
      try write(document.svg, to: target)
    }
  }

  /// Saves per-step data as CSV at `options.csvPath`: a `step` column
  /// (1-based), then one column per series. A series shorter than the
  /// longest leaves its cells empty; NaN and infinities are written as
  /// `nan`, `inf` and `-inf`, which spreadsheets and pandas read back.
  func saveCSV(_ columns: [(name: String, values: [Double])]) throws {
    guard let path = options.csvPath else { return }
    let rows = columns.map(\.values.count).max() ?? 0
    var text = (["step"] + columns.map { Self.csvField($0.name) }).joined(separator: ",") + "\n"
    for row in 0..<rows {
      let cells = columns.map { column in row < column.values.count ? Self.csvNumber(column.values[row]) : "" }
      text += ([String(row + 1)] + cells).joined(separator: ",") + "\n"
    }
    try write(text, to: path)
  }

  /// `loss.svg` + `norm` → `loss-norm.svg`; a path without an extension
  /// gets the suffix at its end.
  static func path(_ path: String, suffix: String) -> String {
    let url = URL(fileURLWithPath: path)
    let ext = url.pathExtension
    guard !ext.isEmpty else { return path + "-" + suffix }
    return String(path.dropLast(ext.count + 1)) + "-" + suffix + "." + ext
  }

  private func write(_ text: String, to path: String) throws {
    try OutputPath.write(Data(text.utf8), to: path)
    summary.files.append(path)
  }

  static func csvNumber(_ value: Double) -> String {
    if value.isNaN { return "nan" }
    if value.isInfinite { return value < 0 ? "-inf" : "inf" }
    return "\(value)"
  }

  static func csvField(_ text: String) -> String {
    guard text.contains(where: { $0 == "," || $0 == "\"" || $0.isNewline }) else { return text }
    return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
  }
}

/// Reports progress every so often rather than every step: a terminal
/// redrawing 1,000 lines a second slows the run it is reporting on.
struct ProgressTicker {
  let total: Int
  let every: Int

  init(total: Int, updates: Int = 50) {
    self.total = total
    every = max(1, total / max(updates, 1))
  }

  /// Whether step `step` (1-based) is one to report.
  func shouldReport(_ step: Int) -> Bool { step == total || step % every == 0 || step == 1 }
}

/// Numbers as the demos print them.
enum Format {
  /// Three significant digits, `nan`/`inf` spelled out.
  static func number(_ x: Double, digits: Int = 3) -> String { ChartFormat.compact(x, significantDigits: digits) }

  /// A difference such as 3.1e-17 in scientific notation, 0 as "0".
  static func tiny(_ x: Double) -> String {
    if x == 0 { return "0" }
    if !x.isFinite { return number(x) }
    return String(format: "%.1e", x)
  }

  /// Fixed decimals, for vectors and angles.
  static func fixed(_ x: Double, _ decimals: Int = 3) -> String {
    if !x.isFinite { return number(x) }
    let s = String(format: "%.\(decimals)f", x)
    return s.hasPrefix("-") && Double(s) == 0 ? String(s.dropFirst()) : s
  }

  /// "[0.600, 0.800]".
  static func vector(_ v: [Double], _ decimals: Int = 3) -> String {
    "[" + v.map { fixed($0, decimals) }.joined(separator: ", ") + "]"
  }

  static func percent(_ part: Int, of whole: Int) -> String {
    guard whole > 0 else { return "–" }
    return String(format: "%.0f %%", 100 * Double(part) / Double(whole))
  }

  /// Seconds with one decimal, for timings.
  static func seconds(_ s: Double) -> String { String(format: "%.1f s", s) }
}
