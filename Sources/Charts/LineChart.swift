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

    public init(name: String, values: [Double]) {
      self.name = name
      self.values = values
    }

    public init(_ name: String, _ values: [Double]) {
      self.init(name: name, values: values)
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

  public init(
    title: String = "",
    xLabel: String = "step",
    yLabel: String = "",
    series: [Series] = [],
    logScaleY: Bool = false,
    xStart: Int = 0,
    xStride: Int = 1
  ) {
    self.title = title
    self.xLabel = xLabel
    self.yLabel = yLabel
    self.series = series
    self.logScaleY = logScaleY
    self.xStart = xStart
    self.xStride = max(xStride, 1)
  }
}

// MARK: - Geometry shared by both renderers

extension LineChart {
  /// Whether `value` can be placed on this chart's y axis.
  func isDrawable(_ value: Double) -> Bool {
    value.isFinite && (!logScaleY || value > 0)
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
    for s in series {
      for v in s.values where isDrawable(v) {
        lo = min(lo, v)
        hi = max(hi, v)
      }
    }
    if lo > hi {
      return AxisScale.values(min: logScaleY ? 1 : 0, max: logScaleY ? 10 : 1, logarithmic: logScaleY, maxTicks: maxTicks)
    }
    return AxisScale.values(min: lo, max: hi, logarithmic: logScaleY, maxTicks: maxTicks)
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
  /// the reader learns why it is missing or stops early.
  func note(for series: Series) -> String? {
    let values = series.values
    if values.isEmpty { return "(no values)" }
    if !values.contains(where: isDrawable) {
      if logScaleY && values.contains(where: \.isFinite) { return "(no values > 0 for log scale)" }
      return "(no finite values)"
    }
    // Diverged: from some step on, nothing is finite any more.
    if let lastFinite = values.lastIndex(where: \.isFinite), lastFinite < values.count - 1 {
      return "(diverged at step \(step(at: lastFinite + 1)))"
    }
    return nil
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
