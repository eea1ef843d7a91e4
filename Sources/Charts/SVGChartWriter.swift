import Foundation

/// Writes one `LineChart` as a standalone SVG document: the layout worked
/// out once, in `init`, then each part of the drawing in its own method,
/// bottom layer first. `LineChart.renderSVG` says what the document holds.
struct SVGChartWriter {
  let chart: LineChart
  let w: Double
  let h: Double
  let tickFont = 11.0
  let labelFont = 13.0
  let titleFont = 16.0
  let legendFont = 12.0
  /// A note ("diverged at step 120") goes on its own smaller line under the
  /// name, which keeps the legend narrow enough to leave room for the plot.
  let noteFont = 11.0
  let legendEm = 0.55
  let legendRowHeight = 20.0
  let legendNoteHeight = 14.0
  let y: AxisScale
  let yLabels: [String]
  let legendEntries: [(name: String, notes: [String])]
  let legendHeight: Double
  let g: SVGLayout
  /// The height with the legend under the plot, when it goes there.
  let fullHeight: Double

  init(_ chart: LineChart, width: Int, height: Int) {
    self.chart = chart
    // Local copies, so the closures below need not capture self.
    let (tickFont, labelFont, legendFont, noteFont) = (self.tickFont, self.labelFont, self.legendFont, self.noteFont)
    let (legendEm, legendRowHeight, legendNoteHeight) = (self.legendEm, self.legendRowHeight, self.legendNoteHeight)
    let w = Double(max(width, 160))
    let h = Double(max(height, 120))
    self.w = w
    self.h = h

    // Horizontal room is estimated from character counts: there is no font
    // metrics API here. 0.6 em is a safe upper bound for sans-serif digits;
    // mixed text averages nearer 0.5 em, so 0.55 leaves a little slack.
    func textWidth(_ text: String, _ size: Double, em: Double = 0.6) -> Double {
      Double(DisplayWidth.of(text)) * size * em
    }

    let roughPlotHeight = h - 100
    let y = chart.yScale(maxTicks: max(3, min(6, Int(roughPlotHeight / 45))))
    let yLabels = y.tickLabels
    self.y = y
    self.yLabels = yLabels

    // A note's parts ("diverged at step 8", "↑ above 1000 from step 9") go
    // on lines of their own, so the legend stays narrow.
    let legendEntries: [(name: String, notes: [String])] = chart.series.indices.map { index in
      (chart.series[index].name, LineChart.noteLines(chart.note(for: index)))
    }
    let fullLegendText =
      legendEntries.map { entry in
        ([textWidth(entry.name, legendFont, em: legendEm)] + entry.notes.map { textWidth($0, noteFont, em: legendEm) })
          .max() ?? 0
      }.max() ?? 0

    let marginLeft = 12 + (chart.yLabel.isEmpty ? 0 : labelFont + 8) + (yLabels.map { textWidth($0, tickFont) }.max() ?? 0) + 10
    let marginTop = chart.title.isEmpty ? 20.0 : 44.0
    let marginBottom = 12 + tickFont + 10 + (chart.xLabel.isEmpty ? 0 : labelFont + 10)

    // The legend goes inside the plot when it fits into a corner that no
    // curve passes through (loss curves usually leave the top right empty),
    // and under the plot otherwise (the document grows), so it never hides a curve.
    let legendChrome = 10 + 24 + 6 + 10.0
    let legendHeight = legendEntries.reduce(10) { $0 + legendRowHeight + Double($1.notes.count) * legendNoteHeight }

    func layout(legendInside: Bool) -> (geometry: SVGLayout, legendIsClear: Bool) {
      // Outside the plot, the legend goes under it, so the plot keeps the
      // whole width.
      let legendTextWidth = legendInside ? fullLegendText : min(fullLegendText, w - marginLeft - 20 - legendChrome)
      let legendWidth = legendChrome + legendTextWidth
      let marginRight = 20.0
      var g = SVGLayout(
        left: marginLeft, right: max(marginLeft + 40, w - marginRight),
        top: marginTop, bottom: max(marginTop + 40, h - marginBottom),
        x: chart.xScale(maxTicks: 2), legendTextWidth: legendTextWidth, legendWidth: legendWidth)
      g.x = chart.xScale(maxTicks: max(2, min(10, Int((g.right - g.left) / 70))))
      g.legendOrigin = (x: g.left, y: h + 2)
      g.polylines = chart.series.enumerated().flatMap { index, s in
        chart.runs(of: s).flatMap { run in
          chart.scaleParts(of: s, run).map { part in
            (
              series: index, points: SVG.thin(part.indices.map { i in (x: g.px(Double(chart.step(at: i))), y: g.py(chart.drawnValue(s.values[i]), y)) }),
              offScale: part.offScale
            )
          }
        }
      }
      guard legendInside else { return (g, true) }

      let inset = 8.0
      let corners = [
        (x: g.right - inset - legendWidth, y: g.top + inset),
        (x: g.right - inset - legendWidth, y: g.bottom - inset - legendHeight),
        (x: g.left + inset, y: g.top + inset),
        (x: g.left + inset, y: g.bottom - inset - legendHeight),
      ]
      let covered = SVG.coverage(
        of: g.polylines.map(\.points), spacing: 3,
        boxes: corners.map { (x: $0.x - 4, y: $0.y - 4, width: legendWidth + 8, height: legendHeight + 8) })
      let best = covered.indices.min { covered[$0] < covered[$1] }!
      g.legendOrigin = corners[best]
      return (g, covered[best] == 0)
    }

    let fitsInside =
      !chart.series.isEmpty
      && legendChrome + fullLegendText <= (w - marginLeft - 20) * 0.55
      && legendHeight <= (h - marginTop - marginBottom) * 0.6
    var chosen = layout(legendInside: fitsInside)
    if !chosen.legendIsClear { chosen = layout(legendInside: false) }
    let g = chosen.geometry
    let legendBelow = !chart.series.isEmpty && g.legendOrigin.y >= h
    let fullHeight = legendBelow ? h + legendHeight + 12 : h
    self.legendEntries = legendEntries
    self.legendHeight = legendHeight
    self.g = g
    self.fullHeight = fullHeight
  }

  var left: Double { g.left }
  var right: Double { g.right }
  var top: Double { g.top }
  var bottom: Double { g.bottom }
  var x: AxisScale { g.x }
  var polylines: [(series: Int, points: [(x: Double, y: Double)], offScale: Bool)] { g.polylines }
  var legendOrigin: (x: Double, y: Double) { g.legendOrigin }
  var legendTextWidth: Double { g.legendTextWidth }
  var legendWidth: Double { g.legendWidth }
  func px(_ step: Double) -> Double { g.px(step) }
  func py(_ value: Double) -> Double { g.py(value, y) }

  /// The whole document.
  func document() -> String {
    var svg: [String] = []
    svg.append(#"<?xml version="1.0" encoding="UTF-8"?>"#)
    svg.append(
      SVG.open("svg", [
        ("xmlns", "http://www.w3.org/2000/svg"), ("width", "\(Int(w))"), ("height", "\(Int(fullHeight))"),
        ("viewBox", "0 0 \(Int(w)) \(Int(fullHeight))"), ("font-family", "DejaVu Sans, Helvetica, Arial, sans-serif"),
      ]))
    svg.append(SVG.text(chart.title.isEmpty ? "Line chart" : chart.title, tag: "title", []))
    svg.append(SVG.empty("rect", [("x", "0"), ("y", "0"), ("width", "100%"), ("height", "100%"), ("fill", "#ffffff")]))

    svg += grid() + axes() + labels() + data() + legend()
    svg.append("</svg>")
    return svg.joined(separator: "\n") + "\n"
  }

  /// Gridlines, under everything else.
  func grid() -> [String] {
    var svg: [String] = []
    svg.append(SVG.open("g", [("stroke-width", "1"), ("fill", "none")]))
    for minor in y.minorTicks {
      svg.append(SVG.line(left, py(minor), right, py(minor), [("stroke", "#f0f0f0")]))
    }
    for tick in y.ticks {
      svg.append(SVG.line(left, py(tick), right, py(tick), [("stroke", "#dddddd")]))
    }
    for tick in x.ticks {
      svg.append(SVG.line(px(tick), top, px(tick), bottom, [("stroke", "#dddddd")]))
    }
    svg.append("</g>")

    return svg
  }
  /// Axes, tick marks and tick labels.
  func axes() -> [String] {
    let n = SVG.number
    var svg: [String] = []
    svg.append(SVG.open("g", [("stroke", "#333333"), ("stroke-width", "1"), ("fill", "none")]))
    svg.append(SVG.line(left, top, left, bottom, []))
    svg.append(SVG.line(left, bottom, right, bottom, []))
    for tick in y.ticks {
      svg.append(SVG.line(left - 5, py(tick), left, py(tick), []))
    }
    for tick in x.ticks {
      svg.append(SVG.line(px(tick), bottom, px(tick), bottom + 5, []))
    }
    svg.append("</g>")

    svg.append(SVG.open("g", [("font-size", n(tickFont)), ("fill", "#333333")]))
    for (tick, label) in zip(y.ticks, yLabels) {
      svg.append(SVG.text(label, [("x", n(left - 8)), ("y", n(py(tick) + tickFont * 0.35)), ("text-anchor", "end")]))
    }
    for tick in x.ticks {
      svg.append(
        SVG.text(LineChart.stepLabel(tick), [("x", n(px(tick))), ("y", n(bottom + 8 + tickFont)), ("text-anchor", "middle")]))
    }
    svg.append("</g>")

    return svg
  }
  /// The title and the axis labels.
  func labels() -> [String] {
    let n = SVG.number
    var svg: [String] = []
    if !chart.title.isEmpty {
      svg.append(
        SVG.text(chart.title, [
          ("x", n((left + right) / 2)), ("y", n(top - 16)), ("text-anchor", "middle"),
          ("font-size", n(titleFont)), ("font-weight", "bold"), ("fill", "#111111"),
        ]))
    }
    if !chart.xLabel.isEmpty {
      svg.append(
        SVG.text(chart.xLabel, [
          ("x", n((left + right) / 2)), ("y", n(h - 12)), ("text-anchor", "middle"),
          ("font-size", n(labelFont)), ("fill", "#333333"),
        ]))
    }
    if !chart.yLabel.isEmpty || chart.logScaleY {
      let text = chart.yLabel.isEmpty ? "(log scale)" : (chart.logScaleY ? chart.yLabel + " (log scale)" : chart.yLabel)
      let cx = n(12 + labelFont * 0.8)
      let cy = n((top + bottom) / 2)
      svg.append(
        SVG.text(text, [
          ("x", cx), ("y", cy), ("transform", "rotate(-90 \(cx) \(cy))"), ("text-anchor", "middle"),
          ("font-size", n(labelFont)), ("fill", "#333333"),
        ]))
    }

    return svg
  }
  /// The data. A series identical to an earlier one is dashed, so the one
  /// under it shows through; a stretch beyond the axis is dotted along the
  /// top edge, with arrowheads pointing up.
  func data() -> [String] {
    let n = SVG.number
    var svg: [String] = []
    for (index, s) in chart.series.enumerated() {
      let style = chart.seriesStyle(of: index)
      let lineDash = chart.dash(of: index).map { [("stroke-dasharray", $0)] } ?? []
      for line in polylines where line.series == index {
        let points = line.points.map { "\(n($0.x)),\(n($0.y))" }
        let dash = line.offScale ? [("stroke-dasharray", "1 4")] : lineDash
        svg.append(
          SVG.empty(
            "polyline",
            [
              ("points", points.joined(separator: " ")), ("fill", "none"), ("stroke", style.color),
              ("stroke-width", "2"), ("stroke-linejoin", "round"), ("stroke-linecap", "round"),
            ] + dash))
        if line.offScale, let first = line.points.first, let last = line.points.last {
          let count = max(1, Int((last.x - first.x) / 90) + 1)
          for k in 0..<count {
            let ax = count == 1 ? first.x : first.x + (last.x - first.x) * Double(k) / Double(count - 1)
            let d = "M\(n(ax - 5)),\(n(first.y + 8)) L\(n(ax)),\(n(first.y - 1)) L\(n(ax + 5)),\(n(first.y + 8)) Z"
            svg.append(SVG.empty("path", [("d", d), ("fill", style.color)]))
          }
        } else if let only = line.points.first, line.points.count == 1 {
          // A lone point has no length to stroke; give it a dot.
          svg.append(SVG.empty("circle", [("cx", n(only.x)), ("cy", n(only.y)), ("r", "3"), ("fill", style.color)]))
        }
      }
      if let i = chart.divergencePoint(of: s) {
        let cx = px(Double(chart.step(at: i)))
        let cy = py(chart.drawnValue(s.values[i]))
        let d = "M\(n(cx - 5)),\(n(cy - 5)) L\(n(cx + 5)),\(n(cy + 5)) M\(n(cx - 5)),\(n(cy + 5)) L\(n(cx + 5)),\(n(cy - 5))"
        svg.append(SVG.empty("path", [("d", d), ("stroke", style.color), ("stroke-width", "2.5"), ("fill", "none")]))
      }
    }

    if !chart.hasDrawableValues {
      svg.append(
        SVG.text("no data", [
          ("x", n((left + right) / 2)), ("y", n((top + bottom) / 2)), ("text-anchor", "middle"),
          ("font-size", n(labelFont)), ("fill", "#888888"),
        ]))
    }

    return svg
  }
  /// The legend, in the corner or under the plot that `init` chose.
  func legend() -> [String] {
    let n = SVG.number
    var svg: [String] = []
    if !chart.series.isEmpty {
      let lx = legendOrigin.x
      let ly = legendOrigin.y
      svg.append(SVG.open("g", [("font-size", n(legendFont))]))
      svg.append(
        SVG.empty("rect", [
          ("x", n(lx)), ("y", n(ly)), ("width", n(legendWidth)), ("height", n(legendHeight)),
          ("fill", "#ffffff"), ("fill-opacity", "0.9"), ("stroke", "#bbbbbb"), ("rx", "3"),
        ]))
      var rowTop = ly + 5
      for (index, entry) in legendEntries.enumerated() {
        let style = chart.seriesStyle(of: index)
        let cy = rowTop + legendRowHeight / 2
        let dash = chart.dash(of: index).map { [("stroke-dasharray", $0)] } ?? []
        svg.append(SVG.line(lx + 10, cy, lx + 34, cy, [("stroke", style.color), ("stroke-width", "2.5")] + dash))
        let nameRoom = max(1, Int((legendTextWidth / (legendFont * legendEm)).rounded()))
        svg.append(
          SVG.text(
            DisplayWidth.truncate(entry.name, to: nameRoom),
            [("x", n(lx + 40)), ("y", n(cy + legendFont * 0.35)), ("fill", "#222222"), ("xml:space", "preserve")]))
        for (line, note) in entry.notes.enumerated() {
          let noteRoom = max(1, Int((legendTextWidth / (noteFont * legendEm)).rounded()))
          let y = cy + Double(line + 1) * legendNoteHeight + noteFont * 0.35
          svg.append(
            SVG.text(
              DisplayWidth.truncate(note, to: noteRoom),
              [("x", n(lx + 40)), ("y", n(y)), ("font-size", n(noteFont)), ("fill", "#777777")]))
        }
        rowTop += legendRowHeight + Double(entry.notes.count) * legendNoteHeight
      }
      svg.append("</g>")
    }

    return svg
  }
}
