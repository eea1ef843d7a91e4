import Contract
import Measures

/// How a `compareClipping` result differs from the expected one, in words:
/// the vectors and the angles as numbers, and, where a clipped copy has
/// length 0, the NaN that its cosine is (0 / 0), which Swift's `min` and
/// `max` can turn into a plausible 0° or 180° with no trace.
enum ComparisonDifference {
  static func describe(_ got: ClipComparison, expected want: ClipComparison) -> String {
    let vectors = [
      ("original", got.original, want.original), ("byNorm", got.byNorm, want.byNorm),
      ("byValue", got.byValue, want.byValue),
    ]
    for (name, u, v) in vectors where Agreement.distance(u, v) > 0 {
      return ".\(name) is \(Difference.shortList(u)); expected \(Difference.shortList(v))."
    }
    var text = "The vectors are right (\(Difference.shortList(want.byNorm)) by norm, "
      + "\(Difference.shortList(want.byValue)) by value), but the angles are \(angle(got.angleByNormDegrees)) "
      + "by norm and \(angle(got.angleByValueDegrees)) by value; expected \(angle(want.angleByNormDegrees)) "
      + "and \(angle(want.angleByValueDegrees))."
    let empty = [("by norm", want.byNorm, got.angleByNormDegrees), ("by value", want.byValue, got.angleByValueDegrees)]
      .filter { Compare.norm([$0.1]) == 0 || Compare.norm([want.original]) == 0 }
      .filter { $0.2 != 0 }
    if !empty.isEmpty {
      let which = empty.map(\.0).joined(separator: " and ")
      text += " The copy \(which) has length 0, so its cosine a·b / (|a| |b|) is 0 / 0, which is NaN"
        + (empty.allSatisfy { $0.2.isNaN } ? "" : " (Swift's min and max, given a NaN, return their other "
          + "argument, so a clamp turns it into ±1 without a trace)")
        + ". The angle to a vector of length 0 is 0° by the contract."
    }
    return text
  }

  /// "8.13°", "nan°": enough digits to show a difference of 1e-5 degrees.
  static func angle(_ degrees: Double) -> String { fixed(degrees, 7) + "°" }
}
