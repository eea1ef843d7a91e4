import Foundation

/// A line chart of per-step values (loss, gradient norm, learning rate…),
/// drawn either in a terminal (`renderText`) or as an SVG file (`renderSVG`).
///
/// It is a plain value so an exercise can build one up, print it, add a run
/// and print it again without any drawing state to reset.
///
/// Values that cannot be drawn are gaps, never zeros: NaN and ±inf (a run that
/// diverged) and, on a log axis, anything ≤ 0. Treating them as zero would
/// draw a diverged run as if it had converged beautifully.
public struct LineChart: Sendable, Equatable {
  /// One named run. `values[i]` belongs to step `xStart + i * xStride`.
  public struct Series: Sendable, Equatable {
    public var name: String
    public var values: [Double]
    /// Which glyph, colour and dash the series gets (`SeriesStyle.at`);
    /// `nil` for its position in the chart. Give the same run the same
    /// style in every chart and on every run of a program, so "the
    /// triangles" stay one run whatever else is drawn.
    public var style: Int?
    /// A remark for the legend in place of the chart's own "(diverged at
    /// step N)", for a caller that defines divergence otherwise.
    public var note: String?

    public init(name: String, values: [Double], style: Int? = nil, note: String? = nil) {
      self.name = name
      self.values = values
      self.style = style
      self.note = note
    }

    public init(_ name: String, _ values: [Double], style: Int? = nil, note: String? = nil) {
      self.init(name: name, values: values, style: style, note: note)
    }
  }

  public var title: String
  public var xLabel: String
  public var yLabel: String
  public var series: [Series]
  /// Log scale is what makes loss curves readable: the interesting part is
  /// the order of magnitude, and a linear axis flattens everything after the
  /// first few steps.
  public var logScaleY: Bool
  /// Step number of `values[0]`.
  public var xStart: Int
  /// Steps between consecutive values, for runs logged every n-th step.
  public var xStride: Int
  /// The top of the y axis, when values above it would squeeze the rest
  /// (an exploding run's loss reaches 1e300). Values above it are drawn at
  /// this level and marked as beyond the axis: "↑" in the terminal, a
  /// dotted line with arrowheads in the SVG, and a legend note saying from
  /// which step. `nil`: the axis reaches every value.
  public var yMax: Double?

  public init(
    title: String = "",
    xLabel: String = "step",
    yLabel: String = "",
    series: [Series] = [],
    logScaleY: Bool = false,
    xStart: Int = 0,
    xStride: Int = 1,
    yMax: Double? = nil
  ) {
    self.title = title
    self.xLabel = xLabel
    self.yLabel = yLabel
    self.series = series
    self.logScaleY = logScaleY
    self.xStart = xStart
    self.xStride = max(xStride, 1)
    self.yMax = yMax
  }
}

// MARK: - Geometry shared by both renderers

extension LineChart {
  /// Whether `value` can be placed on this chart's y axis.
  func isDrawable(_ value: Double) -> Bool {
    value.isFinite && (!logScaleY || value > 0)
  }

  /// Whether `value` lies above `yMax`, so it is drawn at the top, marked.
  func isOffScale(_ value: Double) -> Bool {
    guard let yMax else { return false }
    return value.isFinite && value > yMax
  }

  /// The level `value` is drawn at: `yMax` for values above it.
  func drawnValue(_ value: Double) -> Double {
    isOffScale(value) ? yMax! : value
  }

  /// The step number of `values[index]`.
  func step(at index: Int) -> Int {
    xStart + index * max(xStride, 1)
  }

  /// Index ranges of the unbroken stretches of drawable values; each becomes
  /// its own line so a gap is never bridged.
  func runs(of series: Series) -> [Range<Int>] {
    var runs: [Range<Int>] = []
    var start: Int?
    for (i, v) in series.values.enumerated() {
      if isDrawable(v) {
        if start == nil { start = i }
      } else if let s = start {
        runs.append(s..<i)
        start = nil
      }
    }
    if let s = start { runs.append(s..<series.values.count) }
    return runs
  }

  var hasDrawableValues: Bool {
    series.contains { $0.values.contains(where: isDrawable) }
  }

  /// The y axis for every drawable value of every series.
  func yScale(maxTicks: Int) -> AxisScale {
    var lo = Double.infinity
    var hi = -Double.infinity
    var offScale = false
    for s in series {
      for v in s.values where isDrawable(v) {
        offScale = offScale || isOffScale(v)
        lo = min(lo, drawnValue(v))
        hi = max(hi, drawnValue(v))
      }
    }
    if lo > hi {
      return AxisScale.values(min: logScaleY ? 1 : 0, max: logScaleY ? 10 : 1, logarithmic: logScaleY, maxTicks: maxTicks)
    }
    // With values beyond the cap, the axis ends at the cap, where they are
    // drawn, rather than at a tick further up.
    return AxisScale.values(min: lo, max: hi, logarithmic: logScaleY, maxTicks: maxTicks, topFixed: offScale)
  }

  /// The x axis from the first to the last logged step of the longest series,
  /// including its non-finite tail, so a diverged run visibly stops short.
  func xScale(maxTicks: Int) -> AxisScale {
    let longest = series.map(\.values.count).max() ?? 0
    let first = Double(xStart)
    let last = Double(step(at: max(longest - 1, 0)))
    return AxisScale.steps(from: first, to: last, maxTicks: maxTicks)
  }

  /// A short remark for the legend when a series is not simply a line, so
  /// the reader learns why it is missing, stops early, leaves the axis or
  /// hides another: "(diverged at step 215)", "(↑ above 1000 from step 8)",
  /// "(identical to ▲ one batch of 256, drawn over it)".
  ///
  /// - Parameter glyph: how the legend shows a series, to name the one a
  ///   series is identical to.
  func note(for index: Int, glyph: (Int) -> String = { _ in "" }) -> String? {
    let series = self.series[index]
    let values = series.values
    if values.isEmpty { return "(no values)" }
    if !values.contains(where: isDrawable) {
      if logScaleY && values.contains(where: \.isFinite) { return "(no values > 0 for log scale)" }
      return "(no finite values)"
    }
    var parts: [String] = []
    if let note = series.note {
      parts.append(note.hasPrefix("(") && note.hasSuffix(")") ? String(note.dropFirst().dropLast()) : note)
    } else if let lastFinite = values.lastIndex(where: \.isFinite), lastFinite < values.count - 1 {
      // Diverged: from some step on, nothing is finite any more.
      parts.append("diverged at step \(step(at: lastFinite + 1))")
    }
    if let above = offScaleNote(values) { parts.append(above) }
    if let twin = identicalSeries(to: index) {
      parts.append("identical to \(glyph(twin))\(self.series[twin].name), drawn over it")
    } else if let (twin, gap) = closeSeries(to: index) {
      let percent = ChartFormat.compact((gap * 1000).rounded(.up) / 10)
      parts.append("within \(percent) % of \(glyph(twin))\(self.series[twin].name) at every \(xLabel), drawn over it")
    }
    return parts.isEmpty ? nil : "(" + parts.joined(separator: "; ") + ")"
  }

  /// "↑ above 1000 from step 9" for a series that stays beyond `yMax` to
  /// its last drawable value ("only ↑: above 1000 from step 1" when none
  /// of its values is within the axis, so its glyph is nowhere to be seen);
  /// "↑ above 1 at steps 1–3" for one that comes
  /// back, so two series marked on the same top row can be told apart (a
  /// clipped run above the axis for its first steps, an exploding one for
  /// good); `nil` when no value is beyond it.
  func offScaleNote(_ values: [Double]) -> String? {
    guard let yMax, let first = values.firstIndex(where: isOffScale),
      let last = values.lastIndex(where: isOffScale), let lastDrawn = values.lastIndex(where: isDrawable)
    else { return nil }
    let level = ChartFormat.compact(yMax)
    if last == lastDrawn {
      // Its glyph appears nowhere: say so, or the legend lists a mark the
      // reader looks for in vain.
      let onlyArrows = values.allSatisfy { !isDrawable($0) || isOffScale($0) }
      return (onlyArrows ? "only ↑: " : "↑ ") + "above \(level) from step \(step(at: first))"
    }
    if first == last { return "↑ above \(level) at step \(step(at: first))" }
    let stretch = values[first...last].allSatisfy(isOffScale) ? "at steps" : "at times in steps"
    return "↑ above \(level) \(stretch) \(step(at: first))–\(step(at: last))"
  }

  /// The first series drawn before `index` whose values are the same as
  /// its own, up to rounding (a relative 1e-9): the later one hides it, so
  /// the legend says so and the SVG draws the later one dashed.
  func identicalSeries(to index: Int) -> Int? {
    let values = series[index].values
    guard values.contains(where: isDrawable) else { return nil }
    return series.indices.prefix(index).first { other in
      let candidate = series[other].values
      guard candidate.count == values.count else { return false }
      return zip(candidate, values).allSatisfy { a, b in
        if !isDrawable(a) || !isDrawable(b) { return isDrawable(a) == isDrawable(b) }
        return abs(drawnValue(a) - drawnValue(b)) <= 1e-9 * max(abs(drawnValue(a)), abs(drawnValue(b)))
      }
    }
  }

  /// How far apart, relatively, two series may be everywhere and still be
  /// called drawn over each other: 5 %, less than a text row or a couple of
  /// SVG pixels on any chart here.
  static let closeGap = 0.05

  /// The first series drawn before `index`, not identical to it, that it
  /// stays within `closeGap` of at every point, with the largest relative
  /// gap: the later one all but hides it, so the legend says so.
  func closeSeries(to index: Int) -> (twin: Int, gap: Double)? {
    let values = series[index].values
    guard values.contains(where: isDrawable) else { return nil }
    for other in series.indices.prefix(index) {
      let candidate = series[other].values
      guard candidate.count == values.count else { continue }
      var gap = 0.0
      for (a, b) in zip(candidate, values) {
        if !isDrawable(a) || !isDrawable(b) {
          if isDrawable(a) != isDrawable(b) { gap = .infinity }
          continue
        }
        let (x, y) = (drawnValue(a), drawnValue(b))
        gap = max(gap, abs(x - y) / max(abs(x), abs(y), .leastNormalMagnitude))
      }
      if gap <= Self.closeGap { return (other, gap) }
    }
    return nil
  }

  /// The style of the series at `index`: its own, or its position's.
  func seriesStyle(of index: Int) -> SeriesStyle {
    SeriesStyle.at(series[index].style ?? index)
  }

  /// Index of the last finite value of a series that diverged, where the
  /// SVG puts its "×" marker.
  func divergencePoint(of series: Series) -> Int? {
    guard let lastFinite = series.values.lastIndex(where: \.isFinite),
      lastFinite < series.values.count - 1,
      isDrawable(series.values[lastFinite])
    else { return nil }
    return lastFinite
  }
}
