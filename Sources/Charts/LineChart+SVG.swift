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
    SVGChartWriter(self, width: width, height: height).document()
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

/// Small helpers for writing SVG by hand, for the line charts and the
/// demos' own pictures alike.
public enum SVG {
  /// Text made safe for XML content and attribute values.
  public static func escape(_ text: String) -> String { XML.escape(text) }

  public typealias Attributes = [(String, String)]

  public static func attributes(_ list: Attributes) -> String {
    list.map { " \($0.0)=\"\(escape($0.1))\"" }.joined()
  }

  static func open(_ tag: String, _ list: Attributes) -> String {
    "<\(tag)\(attributes(list))>"
  }

  /// An element with no content: `<line x1="0" …/>`.
  public static func empty(_ tag: String, _ list: Attributes) -> String {
    "<\(tag)\(attributes(list))/>"
  }

  public static func text(_ content: String, tag: String = "text", _ list: Attributes) -> String {
    "<\(tag)\(attributes(list))>\(escape(content))</\(tag)>"
  }

  public static func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, _ list: Attributes) -> String {
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
  public static func number(_ value: Double) -> String {
    guard value.isFinite else { return "0" }
    return ChartFormat.tidy(ChartFormat.trimZeros(String(format: "%.2f", value)))
  }
}
