import Charts
import Foundation
import Testing

#if canImport(FoundationXML)
  import FoundationXML
#endif

/// A rough well-formedness check that needs no XML library: tags balance
/// and no raw `<` or `&` appears in text.
func isRoughlyWellFormed(_ xml: String) -> Bool {
  var stack: [String] = []
  var rest = Substring(xml)
  while let open = rest.firstIndex(of: "<") {
    let text = rest[..<open]
    if text.contains(">") { return false }
    if text.replacingOccurrences(of: "&amp;", with: "").replacingOccurrences(of: "&lt;", with: "")
      .replacingOccurrences(of: "&gt;", with: "").replacingOccurrences(of: "&quot;", with: "")
      .replacingOccurrences(of: "&apos;", with: "").contains("&")
    {
      return false
    }
    guard let close = rest[open...].firstIndex(of: ">") else { return false }
    let tag = rest[rest.index(after: open)..<close]
    rest = rest[rest.index(after: close)...]
    if tag.hasPrefix("?") || tag.hasPrefix("!") || tag.hasSuffix("/") { continue }
    let name = String(tag.split(separator: " ").first ?? "")
    if name.hasPrefix("/") {
      guard stack.popLast() == String(name.dropFirst()) else { return false }
    } else {
      stack.append(name)
    }
  }
  return stack.isEmpty
}

/// Number of elements called `name` in the document, counted by a real XML
/// parser where Foundation has one, otherwise by counting start tags.
func elementCount(_ name: String, in svg: String) throws -> Int {
  #if canImport(FoundationXML) || os(macOS)
    let document = try XMLDocument(xmlString: svg, options: [])
    return try document.nodes(forXPath: "//*[local-name()='\(name)']").count
  #else
    return svg.components(separatedBy: "<\(name) ").count - 1
  #endif
}

@Suite("SVG line chart")
struct LineChartSVGTests {
  @Test("The document is well-formed XML with the SVG namespace and a white background")
  func wellFormed() throws {
    let svg = awkwardChart().renderSVG()
    #expect(isRoughlyWellFormed(svg))
    #expect(svg.contains(#"xmlns="http://www.w3.org/2000/svg""#))
    #expect(svg.contains(#"width="720""#))
    // Its legend fits no corner, so it goes under the plot.
    let height = svg.components(separatedBy: #"height=""#).dropFirst().first.flatMap { Int($0.prefix { $0 != "\"" }) }
    #expect((height ?? 0) > 400, "\(height ?? 0)")
    let small = LineChart(series: [.init("s", [3, 2, 1])]).renderSVG()
    #expect(small.contains(#"height="400""#), "a legend that fits inside leaves the size alone")
    #expect(svg.contains(##"fill="#ffffff""##))
    #if canImport(FoundationXML) || os(macOS)
      let document = try XMLDocument(xmlString: svg, options: [])
      #expect(document.rootElement()?.name == "svg")
      #expect(document.rootElement()?.uri == "http://www.w3.org/2000/svg")
    #endif
  }

  @Test(
    "There is one polyline per unbroken run of drawable values",
    arguments: [
      ([1.0, 2, 3], false, 1),
      ([1.0, .nan, 2], false, 2),
      ([Double.nan, .nan], false, 0),
      ([1.0, .nan, 2, .nan, 3], false, 3),
      ([1.0, 2, .infinity, 3, 4], false, 2),
      ([4.0], false, 1),
      ([1.0, 0, 2], true, 2),
      ([1.0, 0, 2], false, 1),
      ([-1.0, 0, -2], true, 0),
    ])
  func polylines(values: [Double], logScale: Bool, expected: Int) throws {
    let svg = LineChart(series: [.init("s", values)], logScaleY: logScale).renderSVG()
    #expect(try elementCount("polyline", in: svg) == expected)
  }

  @Test("Every series gets its own colour")
  func colours() {
    let chart = LineChart(series: (0..<6).map { LineChart.Series("run \($0)", [1, 2, Double($0)]) })
    let svg = chart.renderSVG()
    let strokes = svg.components(separatedBy: "<polyline").dropFirst().compactMap { element -> String? in
      guard let range = element.range(of: #"stroke=""#) else { return nil }
      return String(element[range.upperBound...].prefix(7))
    }
    #expect(strokes.count == 6)
    #expect(Set(strokes).count == 6, "\(strokes)")
  }

  @Test("The legend names every series and its notes")
  func legend() {
    let chart = awkwardChart()
    let svg = chart.renderSVG()
    #expect(svg.contains("diverging"))
    #expect(svg.contains("broken"))
    #expect(svg.contains(">diverged at step 70<"))
    #expect(svg.contains(">no finite values<"))
  }

  @Test("Text from the user is XML-escaped", arguments: ["a<b&c", "\"quoted\" & 'single'", "x > y"])
  func escaping(name: String) throws {
    let chart = LineChart(title: "t \(name)", xLabel: name, yLabel: name, series: [.init(name, [1, 2])])
    let svg = chart.renderSVG()
    #expect(isRoughlyWellFormed(svg))
    #expect(!svg.contains(name))
    #if canImport(FoundationXML) || os(macOS)
      let document = try XMLDocument(xmlString: svg, options: [])
      let texts = try document.nodes(forXPath: "//*[local-name()='text']").compactMap(\.stringValue)
      #expect(texts.contains(name), "\(texts)")
    #endif
  }

  @Test("Axes carry tick labels, axis labels and the title")
  func labels() throws {
    let chart = LineChart(title: "Loss", xLabel: "step", yLabel: "loss", series: [.init("s", (0...100).map { Double($0) / 50 })])
    let svg = chart.renderSVG()
    #if canImport(FoundationXML) || os(macOS)
      let document = try XMLDocument(xmlString: svg, options: [])
      let texts = Set(try document.nodes(forXPath: "//*[local-name()='text']").compactMap(\.stringValue))
      #expect(texts.isSuperset(of: ["Loss", "step", "loss", "0", "1", "2", "100"]), "\(texts)")
    #else
      for text in [">Loss<", ">step<", ">loss<", ">0<", ">100<"] { #expect(svg.contains(text)) }
    #endif
  }

  @Test("A diverged run is marked where it stopped")
  func divergenceMarker() throws {
    let chart = LineChart(series: [.init("s", [1, 2, 4, .nan, .nan])])
    #expect(try elementCount("path", in: chart.renderSVG()) == 1)
  }

  @Test(
    "Degenerate charts still produce a valid document",
    arguments: [
      LineChart(), LineChart(series: [.init("e", [])]), LineChart(series: [.init("p", [0.5])]),
      LineChart(series: [.init("c", [3, 3, 3])], logScaleY: true), LineChart(series: [.init("n", [.nan])], logScaleY: true),
    ])
  func degenerate(chart: LineChart) throws {
    let svg = chart.renderSVG(width: 300, height: 200)
    #expect(isRoughlyWellFormed(svg))
    #expect(try elementCount("svg", in: svg) == 1)
    #expect(!svg.contains("nan\""), "a NaN coordinate leaked into an attribute")
  }

  @Test("Log scale puts ticks on powers of ten")
  func logTicks() throws {
    let chart = LineChart(series: [.init("s", [1e-4, 1e-2, 1, 100])], logScaleY: true)
    let svg = chart.renderSVG()
    let labels = svg.components(separatedBy: #"text-anchor="end">"#).dropFirst().map { String($0.prefix { $0 != "<" }) }
    #expect((3...6).contains(labels.count), "\(labels)")
    for label in labels {
      let exponent = log10(Double(label) ?? .nan)
      #expect(abs(exponent - exponent.rounded()) < 1e-9, "\(label)")
    }
  }

  @Test("Long runs are thinned to the pixel grid but keep their spikes")
  func thinning() throws {
    var values = [Double](repeating: 1, count: 50_000)
    values[31_337] = 100
    let svg = LineChart(series: [.init("spiky", values)]).renderSVG()
    #expect(try elementCount("polyline", in: svg) == 1)
    let points = svg.components(separatedBy: #"points=""#)[1].prefix { $0 != "\"" }.split(separator: " ")
    #expect(points.count <= 4 * 720, "\(points.count) points")
    let ys = points.compactMap { $0.split(separator: ",").last.flatMap { Double($0) } }
    #expect((ys.min() ?? .infinity) < 60, "the spike to 100 was lost")
  }
}
