import Foundation
import Harness
import WorkbookKit
import Judge
import StudentCommands

/// Points: every exercise is worth 25, shared evenly among its checks.
///
/// The points are kept exact. A check of an exercise with 11 checks is worth
/// 25/11 = 2.2727… points, and Gradescope's results.json carries that full
/// `Double`, so Gradescope adds up what was earned, not what was rounded.
///
/// Only what is shown to a person is rounded, to hundredths, and it is
/// rounded so that the column adds up: the total shown is the exact total
/// rounded half up, and the exercises share its hundredths by the
/// largest-remainder method. Each exercise gets its exact points rounded
/// down, and the hundredths still missing go one each to the exercises with
/// the largest remainders (the earlier exercise first on a tie).
///
/// Rounding each exercise on its own does not add up: two exercises at 10 of
/// 11 checks are 22.7272… points each, and 25 + 25 + 22.73 + 22.73 = 95.46
/// for an exact 95.4545…. Shared out, they read 22.73 and 22.72, and the
/// total 95.45. An exercise shown this way is always within one hundredth of
/// its exact points, and the shown total is the exact total rounded.
///
/// The arithmetic is on whole hundredths and fractions of them, so no
/// floating-point sum decides a rounding.
enum Score {
  static let perExercise = 25.0

  /// 25 points in hundredths.
  private static let perExerciseHundredths = 2500

  /// What one check of `report`'s exercise is worth: 25 / checks.
  static func perCheck(_ report: ExerciseReport) -> Double {
    report.results.isEmpty ? 0 : perExercise / Double(report.results.count)
  }

  /// The exact points of an exercise: passed / checks × 25.
  static func points(_ report: ExerciseReport) -> Double {
    report.results.isEmpty ? 0 : Double(report.passedCount) * perExercise / Double(report.results.count)
  }

  /// The exact points of every exercise together.
  static func total(_ reports: [ExerciseReport]) -> Double {
    reports.reduce(0) { $0 + points($1) }
  }

  /// The points the exercises are worth together: 25 each.
  static func maximum(_ reports: [ExerciseReport]) -> Double {
    perExercise * Double(reports.count)
  }

  /// The points shown for each exercise and for all of them, in hundredths,
  /// shared out so that the exercises add up to the total (see `Score`).
  static func shown(_ reports: [ExerciseReport]) -> (exercises: [Int], total: Int) {
    // An exercise's exact hundredths are numerator / denominator.
    let exact = reports.map { (numerator: $0.passedCount * perExerciseHundredths, denominator: max($0.results.count, 1)) }
    var exercises = exact.map { $0.numerator / $0.denominator }
    let remainders = exact.map { $0.numerator % $0.denominator }

    // The remainders' sum as one fraction, rounded half up: the hundredths
    // that the rounded-down exercises are missing.
    let common = exact.reduce(1) { leastCommonMultiple($0, $1.denominator) }
    let remainderSum = exact.indices.reduce(0) { $0 + remainders[$1] * (common / exact[$1].denominator) }
    let missing = (2 * remainderSum + common) / (2 * common)

    // Largest remainder first, compared as fractions; the earlier exercise
    // first on a tie.
    let order = exact.indices.sorted { a, b in
      let left = remainders[a] * exact[b].denominator
      let right = remainders[b] * exact[a].denominator
      return left != right ? left > right : a < b
    }
    for index in order.prefix(missing) { exercises[index] += 1 }
    return (exercises, exercises.reduce(0, +))
  }

  /// "95.45 / 100": the total shown, out of the maximum.
  static func summary(_ reports: [ExerciseReport]) -> String {
    "\(format(hundredths: shown(reports).total)) / \(format(hundredths: Int(maximum(reports)) * 100))"
  }

  /// 2500 → "25", 2273 → "22.73", 2180 → "21.80".
  static func format(hundredths: Int) -> String {
    hundredths % 100 == 0 ? String(hundredths / 100) : String(format: "%d.%02d", hundredths / 100, hundredths % 100)
  }

  private static func leastCommonMultiple(_ a: Int, _ b: Int) -> Int {
    var (x, y) = (a, b)
    while y != 0 { (x, y) = (y, x % y) }
    return a / x * b
  }
}
