import Foundation

/// One axis of a chart: its range and where its ticks go.
///
/// Both renderers share it so the terminal and the SVG picture of the same
/// run agree on the numbers a student reads off the axis.
struct AxisScale: Sendable, Equatable {
  enum Kind: Sendable, Equatable {
    case linear
    case log10
  }

  var kind: Kind
  /// Ends of the axis in data units.
  var lower: Double
  var upper: Double
  /// Labelled positions, in data units, ascending.
  var ticks: [Double]
  /// Unlabelled 2…9 × 10ⁿ positions of a log axis, for faint gridlines that
  /// show the reader the axis is not linear.
  var minorTicks: [Double] = []

  var tickLabels: [String] { ChartFormat.tickLabels(ticks) }

  /// Where `value` falls between the ends, 0 at `lower` and 1 at `upper`.
  ///
  /// A zero-length axis puts everything in the middle: a chart of one step
  /// looks deliberate there instead of glued to one edge.
  func fraction(_ value: Double) -> Double {
    switch kind {
    case .linear:
      return upper == lower ? 0.5 : (value - lower) / (upper - lower)
    case .log10:
      let lo = Foundation.log10(lower)
      let hi = Foundation.log10(upper)
      return hi == lo ? 0.5 : (Foundation.log10(value) - lo) / (hi - lo)
    }
  }
}

extension AxisScale {
  /// A value axis padded out to round numbers, with at most `maxTicks` ticks
  /// (and at least three whenever the range allows).
  ///
  /// Ends on ticks because an axis that stops at 2.0713 makes every reading a
  /// guess. A constant series gets a range around its value, so a flat loss
  /// curve draws as a flat line in the middle instead of dividing by zero.
  /// With `topFixed` (values beyond a cap are drawn at `hi`), a log axis
  /// counts its ticks down from `hi`'s decade, so it ends there and not a
  /// stride of decades above the cap.
  static func values(
    min lo: Double, max hi: Double, logarithmic: Bool, maxTicks: Int = 5, topFixed: Bool = false
  ) -> AxisScale {
    let maxTicks = Swift.max(maxTicks, 2)
    if logarithmic {
      guard lo.isFinite, hi.isFinite, lo > 0, hi >= lo else {
        return decades(from: 0, to: 1, maxTicks: maxTicks)
      }
      var lo10 = Foundation.log10(lo).rounded(.down)
      var hi10 = Foundation.log10(hi).rounded(.up)
      if hi10 <= lo10 {
        // Every value is the same power of ten: centre it.
        lo10 -= 1
        hi10 += 1
      }
      return decades(from: Int(lo10), to: Int(hi10), maxTicks: maxTicks, fromTop: topFixed)
    }

    var lo = lo
    var hi = hi
    if !lo.isFinite || !hi.isFinite || hi < lo {
      lo = 0
      hi = 1
    }
    if hi - lo <= Swift.max(Swift.abs(lo), Swift.abs(hi)) * 1e-12 {
      let pad = lo == 0 ? 1 : Swift.abs(lo) * 0.1
      lo -= pad
      hi += pad
    }
    let step = NiceStep.choose(lower: lo, upper: hi, maxTicks: maxTicks, padded: true, integer: false)
    let first = step.index(ofAtOrBelow: lo)
    let last = step.index(ofAtOrAbove: hi)
    let ticks = (first...last).map(step.value(at:))
    return AxisScale(kind: .linear, lower: ticks.first!, upper: ticks.last!, ticks: ticks)
  }

  /// A log axis from 10^`from` to 10^`to`.
  ///
  /// Only powers of ten are labelled: on a loss plot the reader wants "which
  /// order of magnitude", and 1-2-5 labels over many decades crowd the axis.
  /// Within a single decade powers alone would give two ticks, so 2 and 5 are
  /// added there. `fromTop` counts the stride down from `hi10` instead of up
  /// from `lo10`, so the axis ends exactly at 10^`hi10`.
  static func decades(from lo10: Int, to hi10: Int, maxTicks: Int, fromTop: Bool = false) -> AxisScale {
    let span = hi10 - lo10
    if span == 1 {
      let base = powerOfTen(lo10)
      return AxisScale(
        kind: .log10, lower: base, upper: base * 10,
        ticks: [base, 2 * base, 5 * base, powerOfTen(hi10)],
        minorTicks: [3, 4, 6, 7, 8, 9].map { $0 * base })
    }
    // Counting from the lowest decade (not from multiples of the stride)
    // wastes at most stride - 1 decades at the top instead of at both ends.
    let stride = Int((Double(span) / Double(maxTicks - 1)).rounded(.up))
    let covered = stride * Int((Double(span) / Double(stride)).rounded(.up))
    let first = fromTop ? hi10 - covered : lo10
    let last = first + covered
    let exponents = Swift.stride(from: first, through: last, by: stride)
    let ticks = exponents.map(powerOfTen)
    var minor: [Double] = []
    if stride == 1 {
      for e in first..<last {
        minor += (2...9).map { Double($0) * powerOfTen(e) }
      }
    }
    return AxisScale(kind: .log10, lower: ticks.first!, upper: ticks.last!, ticks: ticks, minorTicks: minor)
  }

  /// A step axis that spans exactly the logged steps, ticks on round whole
  /// steps inside it.
  ///
  /// Not padded: a run that stopped at step 730 should visibly end at the
  /// right edge rather than leave the reader wondering about steps 731…800.
  static func steps(from lo: Double, to hi: Double, maxTicks: Int) -> AxisScale {
    guard hi > lo else {
      return AxisScale(kind: .linear, lower: lo, upper: lo, ticks: [lo])
    }
    let step = NiceStep.choose(lower: lo, upper: hi, maxTicks: Swift.max(maxTicks, 2), padded: false, integer: true)
    let first = step.index(ofAtOrAbove: lo)
    let last = step.index(ofAtOrBelow: hi)
    let ticks = first <= last ? (first...last).map(step.value(at:)) : []
    return AxisScale(kind: .linear, lower: lo, upper: hi, ticks: ticks)
  }

  /// Whether the ticks split the axis into equal parts (on its own scale),
  /// from end to end: then a terminal chart can give every part the same
  /// number of rows. A log axis within one decade (ticks 1, 2, 5, 10) does
  /// not.
  var ticksAreEvenlySpaced: Bool {
    guard ticks.count >= 2 else { return false }
    let n = Double(ticks.count - 1)
    return ticks.enumerated().allSatisfy { i, tick in abs(fraction(tick) - Double(i) / n) < 1e-9 }
  }

  /// 10^e computed so that negative powers come out as the nearest double
  /// (0.001, not 0.0010000000000000002), which keeps labels clean.
  static func powerOfTen(_ e: Int) -> Double {
    e >= 0 ? Foundation.pow(10, Double(e)) : 1 / Foundation.pow(10, Double(-e))
  }
}

/// A tick spacing of 1, 2, 2.5 or 5 × 10ⁿ: the spacings people can add in
/// their heads (2.5 only as a fallback, see `choose`).
struct NiceStep: Sendable, Equatable {
  var multiplier: Double
  var exponent: Int

  /// Tick number `k`, i.e. k × step, computed by dividing by an exact power
  /// of ten for small steps so 3 × 0.1 is 0.3 and not 0.30000000000000004.
  func value(at k: Int) -> Double {
    let m = Double(k) * multiplier
    return exponent >= 0 ? m * AxisScale.powerOfTen(exponent) : m / AxisScale.powerOfTen(-exponent)
  }

  var size: Double { value(at: 1) }

  func index(ofAtOrBelow x: Double) -> Int { Int((x / size + 1e-9).rounded(.down)) }
  func index(ofAtOrAbove x: Double) -> Int { Int((x / size - 1e-9).rounded(.up)) }

  func tickCount(lower: Double, upper: Double, padded: Bool) -> Int {
    padded
      ? index(ofAtOrAbove: upper) - index(ofAtOrBelow: lower) + 1
      : index(ofAtOrBelow: upper) - index(ofAtOrAbove: lower) + 1
  }

  /// The finest nice step that needs no more than `maxTicks` ticks.
  static func choose(lower: Double, upper: Double, maxTicks: Int, padded: Bool, integer: Bool) -> NiceStep {
    let rough = (upper - lower) / Double(maxTicks - 1)
    var exponent = Int(Foundation.log10(rough).rounded(.down)) - 1
    if integer { exponent = Swift.max(exponent, 0) }
    while true {
      for multiplier in [1, 2, 2.5, 5] {
        let step = NiceStep(multiplier: multiplier, exponent: exponent)
        if integer && step.size.rounded() != step.size { continue }
        guard step.tickCount(lower: lower, upper: upper, padded: padded) <= maxTicks else { continue }
        // 2.5 gives labels like 0.475; take it only when 5 would leave
        // fewer than three ticks.
        if multiplier == 2.5 {
          let coarser = NiceStep(multiplier: 5, exponent: exponent)
          if coarser.tickCount(lower: lower, upper: upper, padded: padded) >= 3 { continue }
        }
        return step
      }
      exponent += 1
    }
  }
}
