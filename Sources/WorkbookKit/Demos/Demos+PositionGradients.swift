import Charts
import Measures

extension Demos {
  /// Exercise 1's look at long lags: how much gradient reaches each input
  /// position of the sequence (`PositionGradient`), before training and
  /// after the clipped run, on 256 held-out sequences.
  ///
  /// The guide's question at T = 50 is whether the failure is an
  /// exploding gradient (the profile grows towards position 1) or a
  /// vanishing one (it shrinks): clipping can only help the first.
  ///
  /// - Returns: the chart, for the SVG.
  static func showPositionGradients(before: [Double], after: [Double], report: DemoReport) -> LineChart {
    let chart = LineChart(
      title: "Gradient reaching each input position (log scale)", xLabel: "input position t",
      yLabel: "‖∂loss/∂xₜ‖",
      series: [
        .init("before training", before, style: 1),
        .init("after the clipped run", after, style: clippedStyle),
      ],
      logScaleY: true, xStart: 1)
    report.chart(chart, height: 10)
    report.blank()
    var sentence =
      "On 256 held-out sequences, the gradient that reaches the first input position is "
      + "\(ratioText(before)) the one at the last position before training"
    if let last = after.last, last > 0 {
      sentence += ", and \(ratioText(after)) after the clipped run"
    }
    report.paragraph(
      sentence + ". Above 1 the recurrence amplifies gradients on their way back (exploding); below 1 it "
        + "damps them (vanishing), and clipping, which only ever shortens a gradient, cannot restore them.")
    report.record("positionRatioBefore", positionRatio(before))
    report.record("positionRatioAfter", positionRatio(after))
    return chart
  }

  /// First position's gradient over the last one's; NaN without both.
  static func positionRatio(_ norms: [Double]) -> Double {
    guard let first = norms.first, let last = norms.last, last > 0 else { return .nan }
    return first / last
  }

  /// "3.2e-5 ×" or "12.5 ×".
  private static func ratioText(_ norms: [Double]) -> String {
    Format.number(positionRatio(norms)) + " ×"
  }
}
