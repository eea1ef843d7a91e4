import Foundation
import Harness
import Judge

/// Points: every exercise is worth 25, shared among its checks in eighths
/// of a point.
///
/// An even share, 25 / 11 = 2.2727…, has no exact binary form: eleven of
/// them add up to 24.999999999999996 in a `Double`, and Gradescope's totals
/// then read 99.99999999999999. So each check is worth a whole number of
/// eighths: ⌊200 / n⌋ of them, and one more for each of the first
/// 200 mod n checks. Eighths are exact binary fractions, so any sum of them
/// is exact: an exercise is worth exactly 25, four are worth 100 and five
/// 125, and a score is its passed checks' points added up, with no
/// rounding anywhere. With 11 checks, the first two are worth 2.375 and the
/// other nine 2.25.
enum Score {
  static let perExercise = 25.0
  /// The unit of points: an eighth.
  static let unitsPerPoint = 8

  /// What check `index` of an exercise with `checks` checks is worth.
  static func points(check index: Int, of checks: Int) -> Double {
    guard checks > 0 else { return 0 }
    let units = Int(perExercise) * unitsPerPoint
    return Double(units / checks + (index < units % checks ? 1 : 0)) / Double(unitsPerPoint)
  }

  /// The points of an exercise: those of the checks it passed.
  static func points(_ report: ExerciseReport) -> Double {
    report.results.enumerated().reduce(0) { sum, item in
      sum + (item.element.passed ? points(check: item.offset, of: report.results.count) : 0)
    }
  }

  /// The points of every exercise together.
  static func total(_ reports: [ExerciseReport]) -> Double {
    reports.reduce(0) { $0 + points($1) }
  }

  /// The points the exercises are worth together: 25 each.
  static func maximum(_ reports: [ExerciseReport]) -> Double {
    perExercise * Double(reports.count)
  }

  /// "95.625 / 100": the total, out of the maximum.
  static func summary(_ reports: [ExerciseReport]) -> String {
    "\(format(total(reports))) / \(format(maximum(reports)))"
  }

  /// 25 → "25", 22.75 → "22.75", 2.375 → "2.375": exact, as eighths are.
  static func format(_ points: Double) -> String {
    var text = String(format: "%.3f", points)
    while text.hasSuffix("0") { text.removeLast() }
    if text.hasSuffix(".") { text.removeLast() }
    return text
  }
}
