import Charts
import Foundation
import Testing

@Suite("Terminal line chart")
struct LineChartTextTests {
  @Test(
    "No line is wider than the requested width",
    arguments: [20, 40, 60, 80, 120], [false, true])
  func widths(width: Int, color: Bool) {
    for logScale in [false, true] {
      let text = awkwardChart(logScale: logScale).renderText(width: width, height: 12, color: color)
      for line in text.split(separator: "\n") {
        let visible = stripANSI(String(line))
        #expect(visible.unicodeScalars.count <= width, "\(visible.unicodeScalars.count) > \(width): \(visible)")
      }
    }
  }

  @Test(
    "The plot area has the requested rows, or the nearest count that spaces the ticks evenly",
    arguments: [3, 5, 8, 16, 30], [false, true])
  func height(rows: Int, logScale: Bool) {
    let text = awkwardChart(logScale: logScale).renderText(width: 80, height: rows, color: false)
    let drawn = plotRows(text).count
    let gaps = max(yTickLabels(text).count - 1, 1)
    #expect(abs(drawn - rows) <= gaps / 2 + 1, "\(drawn) rows for \(rows) asked, \(gaps) gaps")
    #expect((drawn - 1) % gaps == 0, "\(drawn) rows do not split into \(gaps) equal gaps")
  }

  @Test("The legend names every series")
  func legend() {
    let chart = awkwardChart()
    let text = chart.renderText(width: 200, height: 10, color: false)
    for series in chart.series {
      #expect(text.contains(series.name), "missing \(series.name)")
    }
  }

  @Test("Each series gets its own glyph")
  func glyphs() {
    let chart = LineChart(series: [.init("a", [1, 2, 3]), .init("b", [3, 2, 1]), .init("c", [2, 2, 2])])
    let legendLine = chart.renderText(width: 80, height: 8, color: false).split(separator: "\n").last!
    let glyphs = ["a", "b", "c"].compactMap { name in
      legendLine.range(of: " \(name)").map { legendLine[legendLine.index(before: $0.lowerBound)] }
    }
    #expect(glyphs.count == 3)
    #expect(Set(glyphs).count == 3, "\(glyphs)")
  }

  @Test("A non-finite value leaves a gap in the line", arguments: [Double.nan, .infinity, -.infinity])
  func gap(bad: Double) {
    // Constant values keep the whole line on one row; the gap sits between
    // the first and last column.
    let broken = LineChart(series: [.init("s", [1, bad, 1])]).renderText(width: 40, height: 5, color: false)
    let row = plotRows(broken).first { $0.contains("●") }!
    #expect(row.filter { $0 == "●" }.count == 2, "\(row)")
    #expect(row.trimmingCharacters(in: .whitespaces).contains(" "))

    let whole = LineChart(series: [.init("s", [1, 1, 1])]).renderText(width: 40, height: 5, color: false)
    let fullRow = plotRows(whole).first { $0.contains("●") }!
    #expect(!fullRow.trimmingCharacters(in: .whitespaces).contains(" "), "\(fullRow)")
  }

  @Test("Consecutive points are joined, not just dotted")
  func joined() {
    let text = LineChart(series: [.init("s", [0, 10])]).renderText(width: 40, height: 10, color: false)
    // Two points, but the line between them covers every row.
    #expect(plotRows(text).allSatisfy { $0.contains("●") })
  }

  @Test("A run that stops being finite is reported as diverged")
  func diverged() {
    let chart = LineChart(series: [.init("lr=10", [1, 5, 80, .nan, .nan])], xStart: 100, xStride: 10)
    #expect(chart.renderText(width: 80, height: 8, color: false).contains("diverged at step 130"))
  }

  @Test("A legend note too long for its line is wrapped below the name, not cut")
  func longNote() {
    let note = "one very long remark about this series that goes on well past the width of any terminal line"
    let chart = LineChart(series: [.init("a series with a long name", [1, 2, 3], note: note)])
    let lines = chart.renderText(width: 40, height: 6, color: false).split(separator: "\n")
    #expect(lines.allSatisfy { DisplayWidth.of(String($0)) <= 40 }, "\(lines)")
    let legend = lines.drop { !$0.contains("a series with a long name") }.dropFirst()
    #expect(legend.count > 1, "\(lines)")
    #expect(legend.allSatisfy { $0.hasPrefix("  ") } && !legend.joined().contains("…"), "\(legend)")
    #expect(legend.map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ") == "(\(note))")
  }

  @Test("A series with no finite values says so in the legend")
  func allNaN() {
    let chart = LineChart(series: [.init("dead", [.nan, .nan]), .init("alive", [1, 2])])
    let text = chart.renderText(width: 80, height: 8, color: false)
    #expect(text.contains("dead (no finite values)"))
  }

  @Test(
    "Log-scale tick labels are powers of ten",
    arguments: [(1e-3, 10.0), (0.5, 2000.0), (1e-8, 1e-2), (3.0, 4e9)])
  func logTicks(low: Double, high: Double) {
    let values = (0...20).map { low * pow(high / low, Double($0) / 20) }
    let text = LineChart(series: [.init("s", values)], logScaleY: true).renderText(width: 80, height: 12, color: false)
    let labels = yTickLabels(text)
    #expect((3...5).contains(labels.count), "\(labels)")
    for label in labels {
      let value = Double(label)
      #expect(value != nil, "unparseable \(label)")
      if let value {
        let exponent = log10(value)
        #expect(abs(exponent - exponent.rounded()) < 1e-9, "\(label) is not a power of ten")
      }
    }
    #expect(text.contains("(log scale)"))
  }

  @Test("Non-positive values are gaps on a log scale")
  func logNonPositive() {
    let chart = LineChart(series: [.init("s", [1, 0, -1, 10]), .init("z", [0, -2])], logScaleY: true)
    let text = chart.renderText(width: 60, height: 6, color: false)
    #expect(text.contains("z (no values > 0 for log scale)"))
    #expect(plotRows(text).joined().filter { $0 == "●" }.count >= 2)
  }

  @Test(
    "Linear axes get three to five labelled ticks",
    arguments: [(0.0, 1.0), (0.013, 0.017), (-3.0, 250.0), (1e5, 3e7), (0.9, 1.1), (-1.0, -0.5)])
  func linearTicks(low: Double, high: Double) {
    let text = LineChart(series: [.init("s", [low, high])]).renderText(width: 80, height: 16, color: false)
    let labels = yTickLabels(text)
    #expect((3...5).contains(labels.count), "\(labels)")
    #expect(labels.allSatisfy { $0.count <= 7 }, "\(labels)")
    let values = labels.compactMap(Double.init)
    #expect(values.count == labels.count)
    #expect((values.min() ?? .infinity) <= low && (values.max() ?? -.infinity) >= high, "\(labels)")
  }

  @Test("The x axis is labelled from the first to the last step", arguments: [(0, 1, 200), (100, 10, 31), (0, 1, 2)])
  func xLabels(start: Int, stride: Int, count: Int) {
    let chart = LineChart(series: [.init("s", (0..<count).map(Double.init))], xStart: start, xStride: stride)
    let lines = chart.renderText(width: 80, height: 6, color: false).split(separator: "\n")
    let axis = lines.firstIndex { $0.contains("└") }!
    let labels = lines[axis + 1].split(separator: " ").map(String.init)
    #expect(labels.first == String(start))
    #expect(labels.last == String(start + (count - 1) * stride))
  }

  @Test("A constant series draws a flat line with a sensible axis", arguments: [0.0, 3.0, -2.5, 1e-6, 1e6])
  func constant(value: Double) {
    let text = LineChart(series: [.init("flat", Array(repeating: value, count: 30))]).renderText(width: 60, height: 9, color: false)
    let rows = plotRows(text).filter { $0.contains("●") }
    #expect(rows.count == 1)
    let ticks = yTickLabels(text).compactMap(Double.init)
    #expect((ticks.min() ?? .infinity) < value && (ticks.max() ?? -.infinity) > value, "\(ticks)")
  }

  @Test("A single point is drawn once")
  func singlePoint() {
    let text = LineChart(series: [.init("p", [0.5])]).renderText(width: 60, height: 7, color: false)
    #expect(plotRows(text).joined().filter { $0 == "●" }.count == 1)
  }

  @Test(
    "An empty chart still renders an axis and says there is no data",
    arguments: [LineChart(), LineChart(series: [.init("empty", [])]), LineChart(logScaleY: true)])
  func empty(chart: LineChart) {
    let text = chart.renderText(width: 50, height: 5, color: false)
    #expect(text.contains("(no data)"))
    #expect(text.contains("└"))
  }

  @Test("Colour on uses escape codes; colour off has none", arguments: [true, false])
  func color(on: Bool) {
    let text = awkwardChart().renderText(width: 80, height: 10, color: on)
    #expect(text.contains("\u{1B}") == on)
  }

  @Test("Tiny sizes degrade without crashing", arguments: [(1, 1), (5, 2), (12, 3), (0, 0), (-4, -4)])
  func tiny(width: Int, height: Int) {
    let text = awkwardChart().renderText(width: width, height: height, color: false)
    for line in text.split(separator: "\n") {
      #expect(line.unicodeScalars.count <= max(width, 1))
    }
  }
}
