import Autograd
import Contract
import Charts
import Foundation
import Measures

/// Exercise 2's Challenge as a picture: a 2-D vector and its two clipped
/// versions drawn as arrows from the origin, on equal-scale axes, with the
/// norm limit as a dashed circle and the value limit as a dashed square,
/// and the angle value clipping turned the vector by.
///
/// The vectors are data (any `ClipComparison`), so the bounds, ticks and
/// label positions are worked out from them rather than fixed for [3, 4].
struct ClipVectorsSVG {
  let comparison: ClipComparison
  let maxNorm: Double
  let clipValue: Double

  /// Okabe–Ito, as in the line charts: blue, orange, bluish green.
  private static let original = "#0072B2", byNorm = "#E69F00", byValue = "#009E73"
  /// A white outline under text, so grid and limit lines do not cross it.
  private static let halo: [(String, String)] = [
    ("stroke", "#ffffff"), ("stroke-width", "3"), ("stroke-linejoin", "round"), ("paint-order", "stroke"),
  ]

  /// Where the plot sits and how plane coordinates map to pixels: equal
  /// scale on both axes, centred in a square plot with room around it,
  /// the legend to its right.
  private struct Layout {
    let x0: Double, x1: Double, y0: Double, y1: Double
    /// The larger extent of what must be seen, in plane units.
    let span: Double
    let side: Double
    let left = 50.0, top = 50.0
    var width: Double { left + side + 250 }
    var height: Double { top + side + 36 }

    /// Bounds: the origin, every finite tip, the circle and the square.
    init(vectors: [(x: Double, y: Double)], reach: Double, size: Int) {
      var lowX = -reach
      var highX = reach
      var lowY = -reach
      var highY = reach
      for v in vectors where v.x.isFinite && v.y.isFinite {
        lowX = min(lowX, v.x)
        highX = max(highX, v.x)
        lowY = min(lowY, v.y)
        highY = max(highY, v.y)
      }
      span = max(highX - lowX, highY - lowY, 1e-9)
      let half = span / 2 + span * 0.12
      let (centreX, centreY) = ((lowX + highX) / 2, (lowY + highY) / 2)
      (x0, x1, y0, y1) = (centreX - half, centreX + half, centreY - half, centreY + half)
      side = Double(size) - 70
    }

    func px(_ x: Double) -> Double { left + (x - x0) / (x1 - x0) * side }
    func py(_ y: Double) -> Double { top + (1 - (y - y0) / (y1 - y0)) * side }
    func pixels(_ length: Double) -> Double { length / (x1 - x0) * side }
  }

  func render(size: Int = 560) -> String {
    let vectors = [comparison.original, comparison.byNorm, comparison.byValue].map { v -> (x: Double, y: Double) in
      (v.first ?? 0, v.dropFirst().first ?? 0)
    }
    let layout = Layout(vectors: vectors, reach: max(maxNorm, clipValue), size: size)
    var svg = SVGWriter(
      width: layout.width, height: layout.height, title: "A 2-D gradient clipped by norm and by value")
    svg.text(
      "Clipping \(Format.vector(comparison.original, 0)) by norm and by value", x: layout.left + layout.side / 2,
      y: 28, [("text-anchor", "middle"), ("font-size", "16"), ("font-weight", "bold"), ("fill", "#111111")])
    drawGrid(&svg, layout)
    drawLimits(&svg, layout)
    drawTurn(&svg, layout, vectors)
    drawArrows(&svg, layout, vectors)
    drawLegend(&svg, layout)
    return svg.finish()
  }

  /// Grid at 1, 2 or 5 × a power of ten, the frame, the axes through 0,
  /// the tick labels along the frame (clear of the arrows near the
  /// origin) and the axes' names.
  private func drawGrid(_ svg: inout SVGWriter, _ layout: Layout) {
    let (left, top, side) = (layout.left, layout.top, layout.side)
    let step = niceStep(layout.span / 6)
    let xTicks = ticks(from: layout.x0, to: layout.x1, step: step)
    let yTicks = ticks(from: layout.y0, to: layout.y1, step: step)
    for t in xTicks { svg.line(layout.px(t), top, layout.px(t), top + side, [("stroke", "#e6e6e6")]) }
    for t in yTicks { svg.line(left, layout.py(t), left + side, layout.py(t), [("stroke", "#e6e6e6")]) }
    svg.element(
      "rect",
      [("x", n(left)), ("y", n(top)), ("width", n(side)), ("height", n(side)), ("fill", "none"), ("stroke", "#bbbbbb")])
    svg.line(left, layout.py(0), left + side, layout.py(0), [("stroke", "#333333"), ("stroke-width", "1.2")])
    svg.line(layout.px(0), top, layout.px(0), top + side, [("stroke", "#333333"), ("stroke-width", "1.2")])
    let tickStyle: [(String, String)] = [("font-size", "11"), ("fill", "#555555")] + Self.halo
    for t in xTicks {
      svg.text(Format.number(t), x: layout.px(t), y: top + side + 16, [("text-anchor", "middle")] + tickStyle)
    }
    for t in yTicks {
      svg.text(Format.number(t), x: left - 6, y: layout.py(t) + 4, [("text-anchor", "end")] + tickStyle)
    }
    svg.text(
      "g₁", x: left + side - 4, y: layout.py(0) - 6,
      [("text-anchor", "end"), ("font-size", "13"), ("fill", "#333333")])
    svg.text("g₂", x: layout.px(0) + 6, y: top + 14, [("font-size", "13"), ("fill", "#333333")])
  }

  /// The limits: length ≤ maxNorm is a disc, every |gᵢ| ≤ clipValue a square.
  private func drawLimits(_ svg: inout SVGWriter, _ layout: Layout) {
    svg.element(
      "circle",
      [
        ("cx", n(layout.px(0))), ("cy", n(layout.py(0))), ("r", n(layout.pixels(maxNorm))), ("fill", Self.byNorm),
        ("fill-opacity", "0.07"), ("stroke", Self.byNorm), ("stroke-dasharray", "5 4"),
      ])
    svg.element(
      "rect",
      [
        ("x", n(layout.px(-clipValue))), ("y", n(layout.py(clipValue))), ("width", n(layout.pixels(2 * clipValue))),
        ("height", n(layout.pixels(2 * clipValue))), ("fill", Self.byValue), ("fill-opacity", "0.07"),
        ("stroke", Self.byValue),
        ("stroke-dasharray", "2 3"),
      ])
  }

  /// The turn: the value-clipped direction extended to the original's
  /// length, and an arc from the original to it, labelled with the angle.
  private func drawTurn(_ svg: inout SVGWriter, _ layout: Layout, _ vectors: [(x: Double, y: Double)]) {
    let original = vectors[0]
    let clipped = vectors[2]
    let originalLength = length([original.x, original.y])
    let clippedLength = length([clipped.x, clipped.y])
    guard originalLength > 0, clippedLength > 0, comparison.angleByValueDegrees > 0.5 else { return }
    let (px, py, pixels) = (layout.px, layout.py, layout.pixels)
    let stretch = originalLength / clippedLength
    svg.line(
      px(0), py(0), px(clipped.x * stretch), py(clipped.y * stretch),
      [("stroke", Self.byValue), ("stroke-width", "1"), ("stroke-dasharray", "3 3")])
    let radius = 0.62 * originalLength
    let a0 = atan2(original.y, original.x)
    var turn = atan2(clipped.y, clipped.x) - a0
    if turn > Double.pi { turn -= 2 * Double.pi }
    if turn < -Double.pi { turn += 2 * Double.pi }
    let a1 = a0 + turn
    // Screen y points down: a counter-clockwise turn in the plane is a
    // clockwise one on screen (sweep flag 0).
    let path =
      "M\(n(px(radius * cos(a0)))),\(n(py(radius * sin(a0)))) "
      + "A\(n(pixels(radius))),\(n(pixels(radius))) 0 0 \(turn > 0 ? 0 : 1) "
      + "\(n(px(radius * cos(a1)))),\(n(py(radius * sin(a1))))"
    svg.element("path", [("d", path), ("fill", "none"), ("stroke", "#444444"), ("stroke-width", "1.2")])
    let middle = a0 + turn / 2
    let labelRadius = radius + layout.span * 0.04
    svg.text(
      "\(Format.fixed(comparison.angleByValueDegrees, 2))°", x: px(labelRadius * cos(middle)),
      y: py(labelRadius * sin(middle)) + 4,
      [("font-size", "12"), ("fill", "#222222"), ("text-anchor", cos(middle) >= 0 ? "start" : "end")] + Self.halo)
  }

  /// The arrows, longest first so the short ones stay on top, and a label
  /// beside each tip, across the arrow from the other arrows (by the sign
  /// of the cross product), so no label sits on a shaft.
  private func drawArrows(_ svg: inout SVGWriter, _ layout: Layout, _ vectors: [(x: Double, y: Double)]) {
    let arrows = [("original", Self.original), ("by norm", Self.byNorm), ("by value", Self.byValue)]
    svg.raw("<defs>")
    for (name, color) in arrows {
      svg.raw(
        "<marker id=\"head-\(name.replacingOccurrences(of: " ", with: "-"))\" viewBox=\"0 0 10 10\" refX=\"9\" "
          + "refY=\"5\" markerWidth=\"6\" markerHeight=\"6\" orient=\"auto\"><path d=\"M0,0 L10,5 L0,10 z\" "
          + "fill=\"\(color)\"/></marker>")
    }
    svg.raw("</defs>")
    for ((name, color), v) in zip(arrows, vectors) where v.x.isFinite && v.y.isFinite && (v.x != 0 || v.y != 0) {
      svg.line(
        layout.px(0), layout.py(0), layout.px(v.x), layout.py(v.y),
        [
          ("stroke", color), ("stroke-width", "3"),
          ("marker-end", "url(#head-\(name.replacingOccurrences(of: " ", with: "-")))"),
        ])
    }
    for (index, (name, color)) in arrows.enumerated() {
      let v = vectors[index]
      let tipLength = length([v.x, v.y])
      guard v.x.isFinite, v.y.isFinite, tipLength > 0 else { continue }
      let (dx, dy) = (v.x / tipLength, v.y / tipLength)
      let crosses = vectors.indices.filter { $0 != index }.map { dx * vectors[$0].y - dy * vectors[$0].x }
      let othersOnLeft = crosses.reduce(0, +) > 0
      // The unit normal on the free side, in plane coordinates.
      let (nx, ny) = othersOnLeft ? (dy, -dx) : (-dy, dx)
      let (tx, ty) = (layout.px(v.x) + 14 * nx + 4 * dx, layout.py(v.y) - 14 * ny - 4 * dy)
      svg.text(
        name, x: tx, y: ty + 4,
        [
          ("text-anchor", nx < -0.2 ? "end" : (nx > 0.2 ? "start" : "middle")), ("font-size", "13"),
          ("font-weight", "bold"), ("fill", color),
        ] + Self.halo)
    }
  }

  /// The legend, with the numbers, and the two limits' symbols.
  private func drawLegend(_ svg: inout SVGWriter, _ layout: Layout) {
    let lx = layout.left + layout.side + 24
    var ly = layout.top + 8
    let entries: [(String, String, [Double], Double)] = [
      ("original", Self.original, comparison.original, 0),
      ("by norm, maxNorm \(Format.number(maxNorm))", Self.byNorm, comparison.byNorm, comparison.angleByNormDegrees),
      (
        "by value, clipValue \(Format.number(clipValue))", Self.byValue, comparison.byValue,
        comparison.angleByValueDegrees
      ),
    ]
    let legendText: [(String, String)] = [("font-size", "12"), ("fill", "#222222")]
    for (name, color, v, angle) in entries {
      svg.line(lx, ly, lx + 22, ly, [("stroke", color), ("stroke-width", "3")])
      svg.text(name, x: lx + 30, y: ly + 4, legendText + [("font-weight", "bold")])
      svg.text(Format.vector(v), x: lx + 30, y: ly + 21, legendText)
      svg.text(
        "length \(Format.fixed(length(v))), turned \(Format.fixed(angle, 2))°", x: lx + 30, y: ly + 37,
        [("font-size", "12"), ("fill", "#555555")])
      ly += 62
    }
    svg.element(
      "circle",
      [
        ("cx", n(lx + 11)), ("cy", n(ly)), ("r", "8"), ("fill", Self.byNorm), ("fill-opacity", "0.07"),
        ("stroke", Self.byNorm), ("stroke-dasharray", "5 4"),
      ])
    svg.text("length ≤ \(Format.number(maxNorm))", x: lx + 30, y: ly + 4, legendText)
    ly += 26
    svg.element(
      "rect",
      [
        ("x", n(lx + 3)), ("y", n(ly - 8)), ("width", "16"), ("height", "16"), ("fill", Self.byValue),
        ("fill-opacity", "0.07"), ("stroke", Self.byValue), ("stroke-dasharray", "2 3"),
      ])
    svg.text("every |gᵢ| ≤ \(Format.number(clipValue))", x: lx + 30, y: ly + 4, legendText)
  }

  /// 1, 2 or 5 times a power of ten, at least `raw`.
  private func niceStep(_ raw: Double) -> Double {
    let power = pow(10, floor(log10(raw)))
    for m in [1.0, 2, 5] where m * power >= raw { return m * power }
    return 10 * power
  }

  private func ticks(from low: Double, to high: Double, step: Double) -> [Double] {
    var out: [Double] = []
    var i = (low / step).rounded(.up)
    while i * step <= high + step * 1e-9 {
      out.append(i == 0 ? 0 : i * step)
      i += 1
    }
    return out
  }
}

/// An SVG coordinate, as `SVGWriter` writes them.
private func n(_ value: Double) -> String { SVG.number(value) }
