extension LineChart {
  /// The chart as terminal text, for watching a run from `swift run` or a
  /// test log without leaving the terminal.
  ///
  /// `height` is the number of rows of the plot area itself (at least 3); the
  /// title, axis labels and legend add a handful of lines around it. When
  /// the y ticks are evenly spaced the plot takes the nearest height that
  /// gives every gap between two ticks the same number of rows (at most
  /// half a gap more or less than asked), so a log axis reads as one: 4
  /// rows per decade, not 4, 5, 4. Values beyond `yMax` are drawn as "↑" on
  /// the cap's row. No line
  /// is wider than `width` columns, so an 80-column terminal never wraps the
  /// picture into nonsense. With `color` off there are no escape codes at all,
  /// which keeps the output clean in files and CI logs; the glyphs alone then
  /// tell the series apart.
  public func renderText(width: Int = 80, height: Int = 16, color: Bool) -> String {
    let width = max(width, 1)
    var rows = max(height, 3)
    var lines: [TextLine] = []

    // Y axis: labels decide how much room is left for the plot.
    let y = yScale(maxTicks: min(5, rows))
    if y.ticksAreEvenlySpaced {
      let gaps = y.ticks.count - 1
      rows = gaps * max(1, Int((Double(rows - 1) / Double(gaps)).rounded())) + 1
    }
    func row(for value: Double) -> Int {
      clamp(Int(((1 - y.fraction(value)) * Double(rows - 1)).rounded()), 0, rows - 1)
    }
    var labelAtRow: [Int: String] = [:]
    for (tick, label) in zip(y.ticks, y.tickLabels) where labelAtRow[row(for: tick)] == nil {
      labelAtRow[row(for: tick)] = label
    }
    let labelWidth = labelAtRow.values.map(DisplayWidth.of).max() ?? 1
    let left = labelWidth + 2  // label, space, axis
    // One spare column on the right so the last step's label can centre.
    let plotWidth = max(width - left - 1, 2)
    let fullWidth = left + plotWidth + 1

    // X axis.
    let x = xScale(maxTicks: max(2, plotWidth / 10))
    func column(for step: Double) -> Int {
      clamp(Int((x.fraction(step) * Double(plotWidth - 1)).rounded()), 0, plotWidth - 1)
    }

    // Plot area: which series owns each cell, and whether the point there
    // is beyond the axis; later series draw on top.
    var grid = [[Int?]](repeating: [Int?](repeating: nil, count: plotWidth), count: rows)
    var offScale = [[Bool]](repeating: [Bool](repeating: false, count: plotWidth), count: rows)
    for (index, s) in series.enumerated() {
      for run in runs(of: s) {
        var previous: (column: Int, row: Int, offScale: Bool)?
        for i in run {
          let off = isOffScale(s.values[i])
          let point = (column: column(for: Double(step(at: i))), row: row(for: drawnValue(s.values[i])))
          if let p = previous {
            // Along the cap between two values beyond it, the line is
            // beyond it too; each end keeps its own mark.
            TextRaster.segment(from: (p.column, p.row), to: point) {
              grid[$1][$0] = index
              offScale[$1][$0] = p.offScale && off
            }
            offScale[p.row][p.column] = p.offScale || offScale[p.row][p.column]
          } else {
            grid[point.row][point.column] = index
          }
          offScale[point.row][point.column] = off
          previous = (point.column, point.row, off)
        }
      }
    }

    // Title, centred over the plot area.
    if !title.isEmpty {
      let text = DisplayWidth.truncate(title, to: width)
      let indent = max(0, min(left + (plotWidth - DisplayWidth.of(text)) / 2, width - DisplayWidth.of(text)))
      var line = TextLine(String(repeating: " ", count: indent))
      line.append(text, style: .bold)
      lines.append(line)
    }

    // Y-axis label above the axis, where it needs no rotated text.
    let scaleNote = logScaleY ? "(log scale)" : ""
    if !yLabel.isEmpty || !scaleNote.isEmpty {
      var line = TextLine(yLabel)
      if !scaleNote.isEmpty { line.append(yLabel.isEmpty ? scaleNote : " " + scaleNote, style: .faint) }
      lines.append(line)
    }

    let emptyMessage = hasDrawableValues ? nil : "(no data)"
    for r in 0..<rows {
      var line = TextLine()
      if let label = labelAtRow[r] {
        line.append(DisplayWidth.pad(label, to: labelWidth, alignment: .right) + " ┤")
      } else {
        line.append(String(repeating: " ", count: labelWidth) + " │")
      }
      if let message = emptyMessage, r == rows / 2 {
        let text = DisplayWidth.truncate(message, to: plotWidth)
        line.append(DisplayWidth.pad(String(repeating: " ", count: max(0, (plotWidth - DisplayWidth.of(text)) / 2)) + text, to: plotWidth, alignment: .left), style: .faint)
      } else {
        for (c, cell) in grid[r].enumerated() {
          if let owner = cell {
            let style = seriesStyle(of: owner)
            line.append(offScale[r][c] ? "↑" : String(style.glyph), style: .color256(style.ansi256))
          } else {
            line.append(" ")
          }
        }
      }
      lines.append(line)
    }

    // X axis: ticks where labels fit, always the first and last step.
    var labelRow = [Character](repeating: " ", count: fullWidth)
    var occupied: [ClosedRange<Int>] = []
    var tickColumns: Set<Int> = []
    func place(_ value: Double) {
      let label = Array(Self.stepLabel(value))
      let c = column(for: value)
      let start = clamp(left + c - (label.count - 1) / 2, 0, max(0, fullWidth - label.count))
      let claim = (start - 1)...(start + label.count)
      guard start + label.count <= fullWidth, !occupied.contains(where: { $0.overlaps(claim) }) else { return }
      occupied.append(claim)
      tickColumns.insert(c)
      for (k, ch) in label.enumerated() { labelRow[start + k] = ch }
    }
    place(x.lower)
    place(x.upper)
    for tick in x.ticks { place(tick) }

    var axis = String(repeating: " ", count: labelWidth + 1) + "└"
    for c in 0..<plotWidth { axis += tickColumns.contains(c) ? "┬" : "─" }
    lines.append(TextLine(axis))
    lines.append(TextLine(String(labelRow)))

    if !xLabel.isEmpty {
      let text = DisplayWidth.truncate(xLabel, to: width)
      let indent = max(0, min(left + (plotWidth - DisplayWidth.of(text)) / 2, width - DisplayWidth.of(text)))
      lines.append(TextLine(String(repeating: " ", count: indent) + text))
    }

    lines += legend(width: width)
    return lines.map { $0.rendered(color: color, maxWidth: width) }.joined(separator: "\n")
  }

  /// Legend entries ("● name (note)"), wrapped to `width`, so each glyph
  /// can be matched to its run even without colour. An entry too long for
  /// a line puts its note on the lines below, indented and wrapped, rather
  /// than cut the name: a legend entry that no longer says which run it is
  /// would be useless.
  private func legend(width: Int) -> [TextLine] {
    var lines: [TextLine] = []
    var current = TextLine()
    func flush() {
      if current.width > 0 { lines.append(current) }
      current = TextLine()
    }
    for index in series.indices {
      let style = seriesStyle(of: index)
      var entry = TextLine(String(style.glyph), style: .color256(style.ansi256))
      let name = series[index].name
      let note = note(for: index) { String(self.seriesStyle(of: $0).glyph) + " " }
      let room = max(1, width - 2)
      if DisplayWidth.of(name) + (note.map { DisplayWidth.of($0) + 1 } ?? 0) <= room {
        entry.append(" " + name)
        if let note { entry.append(" " + note, style: .faint) }
        if current.width > 0 && current.width + 3 + entry.width > width { flush() }
        if current.width > 0 { current.append("   ") }
        current.append(entry)
      } else {
        flush()
        entry.append(" " + DisplayWidth.truncate(name, to: room))
        lines.append(entry)
        if let note {
          for line in DisplayWidth.wrap(note, width: width, indent: 2, firstIndent: 2) {
            lines.append(TextLine(line, style: .faint))
          }
        }
      }
    }
    flush()
    return lines
  }

  /// Step numbers stay exact integers as long as they are short enough for
  /// an axis; "12000" is clearer than "1.2e4" for a step.
  static func stepLabel(_ value: Double) -> String {
    if abs(value) < 1e6, value == value.rounded() { return String(Int(value)) }
    return ChartFormat.compact(value)
  }
}

/// Cell-by-cell line drawing for the terminal plot.
enum TextRaster {
  /// Visits every cell on the straight line between two cells (Bresenham),
  /// so consecutive points are joined instead of floating apart.
  static func segment(from a: (column: Int, row: Int), to b: (column: Int, row: Int), visit: (Int, Int) -> Void) {
    var c = a.column
    var r = a.row
    let dc = abs(b.column - c)
    let dr = -abs(b.row - r)
    let sc = c < b.column ? 1 : -1
    let sr = r < b.row ? 1 : -1
    var err = dc + dr
    while true {
      visit(c, r)
      if c == b.column && r == b.row { break }
      let e2 = 2 * err
      if e2 >= dr {
        err += dr
        c += sc
      }
      if e2 <= dc {
        err += dc
        r += sr
      }
    }
  }
}

func clamp(_ value: Int, _ lower: Int, _ upper: Int) -> Int {
  min(max(value, lower), upper)
}
