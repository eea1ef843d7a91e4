import Charts
import Foundation
import Testing

// What a chart must show beyond the lines: values beyond the axis, series
// hidden under identical ones, the same glyph for the same run, and tick
// rows a reader can count on.

@Suite("Line chart: off-scale values, identical series, styles, tick rows")
struct LineChartMarkingTests {
  /// A run that explodes past the cap at step 4 next to one that does not.
  static let exploding = LineChart(
    title: "loss", series: [.init("calm", [1, 0.8, 0.6, 0.5, 0.4, 0.3]), .init("wild", [1, 5, 80, 4e3, 1e9, 1e200])],
    logScaleY: true, xStart: 1, yMax: 1000)

  @Test("Values beyond yMax are drawn as ↑ on the top row and named in the legend")
  func offScaleText() {
    let text = Self.exploding.renderText(width: 60, height: 10, color: false)
    let rows = plotRows(text)
    #expect(rows.first?.contains("↑") == true, "\(rows.first ?? "")")
    #expect(!rows.dropFirst().joined().contains("↑"))
    #expect(text.contains("(↑ above 1000 from step 4)"))
    #expect(yTickLabels(text).first == "1000", "the axis ends at the cap: \(yTickLabels(text))")
  }

  @Test(
    "The legend says where a series left the axis: for good, or which steps before it came back",
    arguments: [
      ([5e3, 4e3, 10, 5, 1], "(↑ above 1000 at steps 1–2)"),
      ([5e3, 10, 5, 1], "(↑ above 1000 at step 1)"),
      ([5e3, 10, 5e3, 1], "(↑ above 1000 at times in steps 1–3)"),
      ([1, 5e3, 4e3, 1e9], "(↑ above 1000 from step 2)"),
      ([5e3, 4e3, 1e9, .infinity], "(diverged at step 4; only ↑: above 1000 from step 1)"),
    ])
  func offScaleStretch(values: [Double], note: String) {
    let chart = LineChart(series: [.init("run", values)], logScaleY: true, xStart: 1, yMax: 1000)
    #expect(chart.renderText(width: 80, height: 8, color: false).contains(note))
  }

  @Test("In the SVG, a stretch beyond yMax is dotted along the top edge with arrowheads")
  func offScaleSVG() throws {
    let svg = Self.exploding.renderSVG()
    #expect(svg.contains(#"stroke-dasharray="1 4""#))
    #expect(svg.contains("↑ above 1000 from step 4"))
    #expect(try elementCount("polyline", in: svg) == 3, "calm, wild below the cap, wild above it")
  }

  @Test(
    "A capped log axis ends at the cap, not a stride of decades above it",
    arguments: [(1e-3, 1e3), (1e-2, 1e4), (0.5, 1e3), (1e-6, 1e3)])
  func capIsTop(low: Double, cap: Double) {
    let values = (0...30).map { low * pow(1e300 / low, Double($0) / 30) }
    let chart = LineChart(series: [.init("s", values)], logScaleY: true, yMax: cap)
    let labels = yTickLabels(chart.renderText(width: 80, height: 14, color: false))
    #expect(labels.first.flatMap(Double.init) == cap, "\(labels)")
  }

  @Test("A series identical to an earlier one says so and is dashed on top of it")
  func identical() throws {
    let values = (0..<50).map { 2 * exp(-Double($0) / 10) }
    let nudged = values.map { $0 * (1 + 1e-14) }
    let chart = LineChart(series: [.init("large batch", values), .init("accumulated", nudged), .init("small", values.map { $0 * 1.5 })])
    let text = chart.renderText(width: 80, height: 8, color: false)
    #expect(text.contains("accumulated (identical to ● large batch, drawn over it)"))
    #expect(!text.contains("small (identical"))
    let svg = chart.renderSVG()
    #expect(svg.contains("identical to large batch, drawn over it"))
    #expect(svg.contains(#"stroke-dasharray="7 5""#))
  }

  @Test("A series keeps the glyph of its style whatever its position", arguments: [0, 1, 2])
  func stableGlyph(position: Int) {
    var series: [LineChart.Series] = [.init("a", [1, 2]), .init("b", [2, 1])]
    series.insert(.init("run", [1, 1], style: 5), at: position)
    let legend = LineChart(series: series).renderText(width: 80, height: 5, color: false)
      .split(separator: "\n").last.map(String.init) ?? ""
    #expect(legend.contains("△ run"), "\(legend)")
  }

  @Test("The same chart renders the same text every time")
  func deterministic() {
    let chart = awkwardChart(logScale: true)
    #expect(chart.renderText(width: 80, height: 12, color: true) == chart.renderText(width: 80, height: 12, color: true))
    #expect(chart.renderSVG() == chart.renderSVG())
  }

  @Test(
    "Log-axis tick rows are evenly spaced",
    arguments: [(1e-3, 1e3), (0.1, 1e5), (1e-2, 1e4), (1.0, 1e8), (3e-5, 2.0)], [8, 12, 14, 16])
  func evenLogTicks(range: (Double, Double), height: Int) {
    let values = (0...40).map { range.0 * pow(range.1 / range.0, Double($0) / 40) }
    let text = LineChart(series: [.init("s", values)], logScaleY: true).renderText(width: 80, height: height, color: false)
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    let tickRows = lines.indices.filter { lines[$0].contains("┤") }
    let gaps = zip(tickRows.dropFirst(), tickRows).map { $0 - $1 }
    #expect(gaps.count >= 2)
    #expect(Set(gaps).count == 1, "rows between ticks: \(gaps)")
  }
}
