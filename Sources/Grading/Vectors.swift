import Foundation

// Gradients and parameters as the graders see them: one array of values per
// parameter, in the model's parameter order.

typealias Values = [[Double]]

func flat(_ v: Values) -> [Double] { v.flatMap { $0 } }

func norm(_ v: Values) -> Double { flat(v).reduce(0) { $0 + $1 * $1 }.squareRoot() }

func add(_ a: Values, _ b: Values) -> Values { zip(a, b).map { zip($0, $1).map(+) } }

func subtract(_ a: Values, _ b: Values) -> Values { zip(a, b).map { zip($0, $1).map(-) } }

func scale(_ a: Values, _ s: Double) -> Values { a.map { $0.map { $0 * s } } }

func zeros(like a: Values) -> Values { a.map { [Double](repeating: 0, count: $0.count) } }

/// ‖a − b‖ / ‖b‖ (or the absolute distance when b is tiny): the measure
/// every equivalence check uses. NaN anywhere gives infinity.
func relativeDistance(_ a: Values, _ b: Values) -> Double {
  relativeDistance(flat(a), flat(b))
}

func relativeDistance(_ a: [Double], _ b: [Double]) -> Double {
  guard a.count == b.count else { return .infinity }
  var diff = 0.0, size = 0.0
  for (x, y) in zip(a, b) {
    if x.isNaN != y.isNaN { return .infinity }
    if x.isNaN { continue }
    if x.isInfinite || y.isInfinite {
      if x != y { return .infinity }
      continue
    }
    diff += (x - y) * (x - y)
    size += y * y
  }
  return diff.squareRoot() / max(size.squareRoot(), 1e-300)
}

/// Agreement required between a result and the reference for equivalence
/// (the 1e-10 relative; floating-point reordering gives ~1e-15).
let equivalenceTolerance = 1e-10
/// Closeness at which a wrong result is said to match a known mistake.
let signatureTolerance = 1e-7

/// "3.2e-04" style, for messages.
func sci(_ x: Double) -> String { String(format: "%.2e", x) }
/// "1.000", for ratios and norms in messages.
func fixed(_ x: Double, _ digits: Int = 4) -> String { String(format: "%.\(digits)g", x) }
