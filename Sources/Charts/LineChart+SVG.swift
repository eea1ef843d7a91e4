import Foundation

extension LineChart {
  /// The chart as a standalone SVG document, for reports and for comparing
  /// runs at a resolution a terminal cannot give.
  ///
  /// Self-contained on purpose (no CSS, no scripts, no external fonts) so it
  /// opens the same in a browser, an image viewer or a converter. Each
  /// unbroken run of drawable values is its own `<polyline>`, so a gap stays a
  /// gap. A run that diverged gets an "×" at its last finite point, which is
  /// where a student should start looking. Sizes below 160×120 are raised
  /// to that, the least that still leaves a readable plot. A legend that
  /// fits in no empty corner of the plot goes under it, and the document is
  /// that much taller than `height`.
  public func renderSVG(width: Int = 720, height: Int = 400) -> String {
    let w = Double(max(width, 160))
    let h = Double(max(height, 120))
    let tickFont = 11.0
    let labelFont = 13.0
    let titleFont = 16.0
    let legendFont = 12.0

    // Horizontal room is estimated from character counts: there is no font
    // metrics API here. 0.6 em is a safe upper bound for sans-serif digits;
    // mixed text averages nearer 0.5 em, so 0.55 leaves a little slack.
    func textWidth(_ text: String, _ size: Double, em: Double = 0.6) -> Double {
      Double(DisplayWidth.of(text)) * size * em
    }
    let legendEm = 0.55

    let roughPlotHeight = h - 100
    let y = yScale(maxTicks: max(3, min(6, Int(roughPlotHeight / 45))))
    let yLabels = y.tickLabels

    // A note's parts ("diverged at step 8", "↑ above 1000 from step 9") go
    // on lines of their own, so the legend stays narrow.
    let legendEntries: [(name: String, notes: [String])] = series.indices.map { index in
      (series[index].name, Self.noteLines(note(for: index)))
    }
    // A note ("diverged at step 120") goes on its own smaller line under the
    // name, which keeps the legend narrow enough to leave room for the plot.
    let noteFont = 11.0
    let fullLegendText =
      legendEntries.map { entry in
        ([textWidth(entry.name, legendFont, em: legendEm)] + entry.notes.map { textWidth($0, noteFont, em: legendEm) })
          .max() ?? 0
      }.max() ?? 0

    let marginLeft = 12 + (yLabel.isEmpty ? 0 : labelFont + 8) + (yLabels.map { textWidth($0, tickFont) }.max() ?? 0) + 10
    let marginTop = title.isEmpty ? 20.0 : 44.0
    let marginBottom = 12 + tickFont + 10 + (xLabel.isEmpty ? 0 : labelFont + 10)

    // The legend goes inside the plot when it fits into a corner that no
    // curve passes through (loss curves usually leave the top right empty),
    // and under the plot otherwise (the document grows), so it never hides a curve.
    let legendRowHeight = 20.0
    let legendNoteHeight = 14.0
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
        x: xScale(maxTicks: 2), legendTextWidth: legendTextWidth, legendWidth: legendWidth)
      g.x = xScale(maxTicks: max(2, min(10, Int((g.right - g.left) / 70))))
      g.legendOrigin = (x: g.left, y: h + 2)
      g.polylines = series.enumerated().flatMap { index, s in
        runs(of: s).flatMap { run in
          scaleParts(of: s, run).map { part in
            (
              series: index, points: SVG.thin(part.indices.map { i in (x: g.px(Double(step(at: i))), y: g.py(drawnValue(s.values[i]), y)) }),
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
      !series.isEmpty
      && legendChrome + fullLegendText <= (w - marginLeft - 20) * 0.55
      && legendHeight <= (h - marginTop - marginBottom) * 0.6
    var chosen = layout(legendInside: fitsInside)
    if !chosen.legendIsClear { chosen = layout(legendInside: false) }
    let g = chosen.geometry
    let legendBelow = !series.isEmpty && g.legendOrigin.y >= h
    let fullHeight = legendBelow ? h + legendHeight + 12 : h
    let (left, right, top, bottom, x) = (g.left, g.right, g.top, g.bottom, g.x)
    let (polylines, legendOrigin, legendTextWidth, legendWidth) = (g.polylines, g.legendOrigin, g.legendTextWidth, g.legendWidth)
    func px(_ step: Double) -> Double { g.px(step) }
    func py(_ value: Double) -> Double { g.py(value, y) }

    let n = SVG.number
    var svg: [String] = []
    svg.append(#"<?xml version="1.0" encoding="UTF-8"?>"#)
    svg.append(
      SVG.open("svg", [
        ("xmlns", "http://www.w3.org/2000/svg"), ("width", "\(Int(w))"), ("height", "\(Int(fullHeight))"),
        ("viewBox", "0 0 \(Int(w)) \(Int(fullHeight))"), ("font-family", "DejaVu Sans, Helvetica, Arial, sans-serif"),
      ]))
    svg.append(SVG.text(title.isEmpty ? "Line chart" : title, tag: "title", []))
    svg.append(SVG.empty("rect", [("x", "0"), ("y", "0"), ("width", "100%"), ("height", "100%"), ("fill", "#ffffff")]))

    // Gridlines under everything else.
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

    // Axes, tick marks and tick labels.
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
        SVG.text(Self.stepLabel(tick), [("x", n(px(tick))), ("y", n(bottom + 8 + tickFont)), ("text-anchor", "middle")]))
    }
    svg.append("</g>")

    // Title and axis labels.
    if !title.isEmpty {
      svg.append(
        SVG.text(title, [
          ("x", n((left + right) / 2)), ("y", n(top - 16)), ("text-anchor", "middle"),
          ("font-size", n(titleFont)), ("font-weight", "bold"), ("fill", "#111111"),
        ]))
    }
    if !xLabel.isEmpty {
      svg.append(
        SVG.text(xLabel, [
          ("x", n((left + right) / 2)), ("y", n(h - 12)), ("text-anchor", "middle"),
          ("font-size", n(labelFont)), ("fill", "#333333"),
        ]))
    }
    if !yLabel.isEmpty || logScaleY {
      let text = yLabel.isEmpty ? "(log scale)" : (logScaleY ? yLabel + " (log scale)" : yLabel)
      let cx = n(12 + labelFont * 0.8)
      let cy = n((top + bottom) / 2)
      svg.append(
        SVG.text(text, [
          ("x", cx), ("y", cy), ("transform", "rotate(-90 \(cx) \(cy))"), ("text-anchor", "middle"),
          ("font-size", n(labelFont)), ("fill", "#333333"),
        ]))
    }

    // The data. A series identical to an earlier one is dashed, so the one
    // under it shows through; a stretch beyond the axis is dotted along the
    // top edge, with arrowheads pointing up.
    for (index, s) in series.enumerated() {
      let style = seriesStyle(of: index)
      let lineDash = dash(of: index).map { [("stroke-dasharray", $0)] } ?? []
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
      if let i = divergencePoint(of: s) {
        let cx = px(Double(step(at: i)))
        let cy = py(drawnValue(s.values[i]))
        let d = "M\(n(cx - 5)),\(n(cy - 5)) L\(n(cx + 5)),\(n(cy + 5)) M\(n(cx - 5)),\(n(cy + 5)) L\(n(cx + 5)),\(n(cy - 5))"
        svg.append(SVG.empty("path", [("d", d), ("stroke", style.color), ("stroke-width", "2.5"), ("fill", "none")]))
      }
    }

    if !hasDrawableValues {
      svg.append(
        SVG.text("no data", [
          ("x", n((left + right) / 2)), ("y", n((top + bottom) / 2)), ("text-anchor", "middle"),
          ("font-size", n(labelFont)), ("fill", "#888888"),
        ]))
    }

    if !series.isEmpty {
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
        let style = seriesStyle(of: index)
        let cy = rowTop + legendRowHeight / 2
        let dash = dash(of: index).map { [("stroke-dasharray", $0)] } ?? []
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

    svg.append("</svg>")
    return svg.joined(separator: "\n") + "\n"
  }
}

extension LineChart {
  /// "(diverged at step 8; ↑ above 1000 from step 9)" as one line per part.
  static func noteLines(_ note: String?) -> [String] {
    guard var note else { return [] }
    if note.hasPrefix("(") && note.hasSuffix(")") { note = String(note.dropFirst().dropLast()) }
    return note.components(separatedBy: "; ")
  }

  /// The dash pattern of a series' line: its style's, or a long dash when
  /// it is identical to a series drawn before it.
  func dash(of index: Int) -> String? {
    seriesStyle(of: index).dash
      ?? (identicalSeries(to: index) == nil && closeSeries(to: index) == nil ? nil : "7 5")
  }

  /// An unbroken run split where it crosses `yMax`: on-scale parts and
  /// off-scale parts, each sharing its end point with the next so the line
  /// stays joined (it climbs to the top edge, runs along it, comes down).
  func scaleParts(of series: Series, _ run: Range<Int>) -> [(indices: [Int], offScale: Bool)] {
    var parts: [(indices: [Int], offScale: Bool)] = []
    for i in run {
      let off = isOffScale(series.values[i])
      if let last = parts.last, last.offScale == off {
        parts[parts.count - 1].indices.append(i)
      } else if let last = parts.last {
        if off {
          parts[parts.count - 1].indices.append(i)
          parts.append(([i], true))
        } else {
          parts.append(([last.indices.last!, i], false))
        }
      } else {
        parts.append(([i], off))
      }
    }
    return parts
  }
}

/// Where things go in the SVG, worked out once per legend placement.
struct SVGLayout {
  var left: Double
  var right: Double
  var top: Double
  var bottom: Double
  var x: AxisScale
  var legendTextWidth: Double
  var legendWidth: Double
  var legendOrigin: (x: Double, y: Double) = (0, 0)
  /// Every unbroken run in pixels, split where it leaves the axis, kept for
  /// the legend's corner search.
  var polylines: [(series: Int, points: [(x: Double, y: Double)], offScale: Bool)] = []

  func px(_ step: Double) -> Double { left + x.fraction(step) * (right - left) }
  func py(_ value: Double, _ y: AxisScale) -> Double { bottom - y.fraction(value) * (bottom - top) }
}

/// Small helpers for writing SVG by hand.
enum SVG {
  /// Text made safe for XML content and attribute values.
  static func escape(_ text: String) -> String { XML.escape(text) }

  typealias Attributes = [(String, String)]

  static func attributes(_ list: Attributes) -> String {
    list.map { " \($0.0)=\"\(escape($0.1))\"" }.joined()
  }

  static func open(_ tag: String, _ list: Attributes) -> String {
    "<\(tag)\(attributes(list))>"
  }

  static func empty(_ tag: String, _ list: Attributes) -> String {
    "<\(tag)\(attributes(list))/>"
  }

  static func text(_ content: String, tag: String = "text", _ list: Attributes) -> String {
    "<\(tag)\(attributes(list))>\(escape(content))</\(tag)>"
  }

  static func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, _ list: Attributes) -> String {
    empty("line", [("x1", number(x1)), ("y1", number(y1)), ("x2", number(x2)), ("y2", number(y2))] + list)
  }

  /// The points of a long run reduced to the first, lowest, highest and
  /// last point of each pixel column.
  ///
  /// A 100k-step run would otherwise make a multi-megabyte file that looks
  /// exactly the same: within one pixel column only the extremes are visible,
  /// and keeping them (rather than every n-th point) preserves the spikes a
  /// student is looking for when gradients blow up. Points must be in
  /// increasing x order, as steps are.
  static func thin(_ points: [(x: Double, y: Double)]) -> [(x: Double, y: Double)] {
    guard let first = points.first, let last = points.last,
      points.count > 4 * max(1, Int(last.x - first.x) + 1)
    else { return points }
    var out: [(x: Double, y: Double)] = []
    var start = 0
    while start < points.count {
      let column = points[start].x.rounded(.down)
      var end = start
      var low = start
      var high = start
      while end < points.count && points[end].x.rounded(.down) == column {
        if points[end].y < points[low].y { low = end }
        if points[end].y > points[high].y { high = end }
        end += 1
      }
      for i in Set([start, low, high, end - 1]).sorted() { out.append(points[i]) }
      start = end
    }
    return out
  }

  /// How many points, taken every `spacing` pixels along the polylines,
  /// fall in each box. Sampling along segments (not only at data points)
  /// makes a straight line between two distant points count for the area
  /// it crosses. Counted on the fly, since a long noisy run can have
  /// millions of samples.
  static func coverage(
    of polylines: [[(x: Double, y: Double)]], spacing: Double,
    boxes: [(x: Double, y: Double, width: Double, height: Double)]
  ) -> [Int] {
    var counts = [Int](repeating: 0, count: boxes.count)
    func visit(_ x: Double, _ y: Double) {
      for (i, box) in boxes.enumerated()
      where x >= box.x && x <= box.x + box.width && y >= box.y && y <= box.y + box.height {
        counts[i] += 1
      }
    }
    for line in polylines {
      guard var previous = line.first else { continue }
      visit(previous.x, previous.y)
      for point in line.dropFirst() {
        let dx = point.x - previous.x
        let dy = point.y - previous.y
        let pieces = max(1, Int(((dx * dx + dy * dy).squareRoot() / spacing).rounded(.up)))
        for k in 1...pieces {
          let t = Double(k) / Double(pieces)
          visit(previous.x + dx * t, previous.y + dy * t)
        }
        previous = point
      }
    }
    return counts
  }

  /// Coordinates with at most two decimals: sub-pixel precision beyond that
  /// only makes files bigger.
  static func number(_ value: Double) -> String {
    guard value.isFinite else { return "0" }
    return ChartFormat.tidy(ChartFormat.trimZeros(String(format: "%.2f", value)))
  }
}
