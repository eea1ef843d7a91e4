import Autograd
import Foundation

/// Comparisons of parameter (or gradient) lists, entry by entry.
///
/// The demos call these on every parameter at every step, so they live in
/// an optimized module: compiled without -O, they made exercise 4's demo
/// three times slower (16 s against 5 s in a debug build).
public enum Compare {
  /// The largest |a − b| over every entry; NaN when any entry is NaN.
  public static func largestDifference(_ a: [[Double]], _ b: [[Double]]) -> Double {
    var largest = 0.0
    for (x, y) in zip(a, b) {
      for (u, v) in zip(x, y) {
        let d = abs(u - v)
        if d.isNaN { return .nan }
        largest = max(largest, d)
      }
    }
    return largest
  }

  /// The L2 norm of a list of arrays taken as one vector.
  public static func norm(_ a: [[Double]]) -> Double {
    a.reduce(0) { $0 + $1.reduce(0) { $0 + $1 * $1 } }.squareRoot()
  }

  /// The L2 distance between two vectors of the same length.
  public static func distance(_ a: [Double], _ b: [Double]) -> Double {
    length(zip(a, b).map { $0 - $1 })
  }

  public static func parameters(of model: any Module) -> [[Double]] { model.parameters().map(\.data) }

  /// Every parameter of `model` in one vector, in parameter order.
  public static func flatParameters(of model: any Module) -> [Double] {
    model.parameters().flatMap(\.data)
  }

  /// The gradients of `parameters`, one array per parameter (zeros for a
  /// parameter without one).
  public static func gradients(of parameters: [Tensor]) -> [[Double]] {
    parameters.map { $0.grad?.data ?? [Double](repeating: 0, count: $0.count) }
  }

  /// Every gradient of `model` in one vector, in parameter order (zeros for
  /// a parameter without one).
  public static func flatGradients(of model: any Module) -> [Double] {
    gradients(of: model.parameters()).flatMap { $0 }
  }

  /// How many entries are nonzero in `exact` but exactly 0 in `rounded`:
  /// the gradient entries a lower precision lost to underflow.
  public static func lostToZero(exact: [Double], rounded: [Double]) -> Int {
    zip(exact, rounded).filter { $0 != 0 && $1 == 0 }.count
  }
}

/// The Euclidean length of a vector.
public func length(_ v: [Double]) -> Double { v.reduce(0) { $0 + $1 * $1 }.squareRoot() }

/// The angle in degrees between two gradients taken as one long vector
/// each; 0 when either is zero, NaN when either is not finite.
public func angleDegrees(_ a: [[Double]], _ b: [[Double]]) -> Double {
  var dot = 0.0
  var aa = 0.0
  var bb = 0.0
  for (x, y) in zip(a, b) {
    for (u, v) in zip(x, y) {
      dot += u * v
      aa += u * u
      bb += v * v
    }
  }
  guard dot.isFinite, aa.isFinite, bb.isFinite else { return .nan }
  guard aa > 0, bb > 0 else { return 0 }
  return acos(min(1, max(-1, dot / (aa.squareRoot() * bb.squareRoot())))) * 180 / Double.pi
}

/// The mean of the finite values; NaN when there are none.
public func mean(_ values: [Double]) -> Double {
  let finite = values.filter(\.isFinite)
  return finite.isEmpty ? .nan : finite.reduce(0, +) / Double(finite.count)
}

extension Compare {
  /// The dot products of `values`, laid end to end, with `count` fixed
  /// pseudo-random ±1 directions: a SplitMix64 step per entry and
  /// direction, its top bit the sign. A non-finite entry counts as 0. The
  /// same every time, on every machine; the grading snapshots
  /// (`Snapshot.digest`) are built on it, for every step of every
  /// scenario, so it is here, in an optimized module.
  public static func signProjections(_ values: [[Double]], count: Int) -> [Double] {
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    var projections = [Double](repeating: 0, count: count)
    for array in values {
      for entry in array {
        let x = entry.isFinite ? entry : 0
        for d in 0..<count {
          state &+= 0x9E37_79B9_7F4A_7C15
          var z = state
          z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
          z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
          projections[d] += (z >> 63) == 0 ? x : -x
        }
      }
    }
    return projections
  }

  /// Whether every entry of every array is finite.
  public static func allFinite(_ values: [[Double]]) -> Bool {
    values.allSatisfy { $0.allSatisfy(\.isFinite) }
  }
}
