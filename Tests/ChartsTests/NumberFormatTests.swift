import Testing

import Charts

@Suite("Compact number labels")
struct NumberFormatTests {
  @Test(
    "Finite numbers get short readable labels",
    arguments: [
      (0.0, "0"), (1.0, "1"), (1.5, "1.5"), (0.001, "0.001"), (0.0123, "0.0123"),
      (100.0, "100"), (2.5e-4, "2.5e-4"), (1e-5, "1e-5"), (23_000.0, "2.3e4"), (12_345.0, "1.23e4"),
      (9_999.7, "1e4"), (-2.5, "-2.5"), (0.1 + 0.2, "0.3"), (-0.0, "0"), (1234.0, "1234"),
    ])
  func finite(value: Double, expected: String) {
    #expect(ChartFormat.compact(value) == expected)
  }

  @Test(
    "Non-finite numbers say what they are",
    arguments: [(Double.nan, "nan"), (Double.infinity, "inf"), (-Double.infinity, "-inf")])
  func nonFinite(value: Double, expected: String) {
    #expect(ChartFormat.compact(value) == expected)
  }

  @Test("More significant digits are used when asked for")
  func digits() {
    #expect(ChartFormat.compact(3.14159, significantDigits: 5) == "3.1416")
    #expect(ChartFormat.compact(3.14159, significantDigits: 1) == "3")
  }

  @Test(
    "Tick labels are distinct even when ticks are close together",
    arguments: [[1000.5, 1001.0, 1001.5], [0.1, 0.2, 0.3], [1.0001, 1.0002, 1.0003]])
  func distinctTicks(ticks: [Double]) {
    let labels = ChartFormat.tickLabels(ticks)
    #expect(Set(labels).count == ticks.count, "\(labels)")
  }
}
