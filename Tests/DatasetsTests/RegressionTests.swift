import Autograd
import Testing
@testable import Datasets

@Suite("Regression with outliers")
struct RegressionTests {
  static func make(count: Int = 200, outlierFraction: Double, seed: UInt64 = 9) throws -> Dataset {
    var rng = SplitMix64(seed: seed)
    return try Dataset.regression(count: count, features: 4, outlierFraction: outlierFraction, rng: &rng)
  }

  @Test(
    "exactly round(fraction · count) samples are outliers, distinct and ascending",
    arguments: [(200, 0.0, 0), (200, 0.05, 10), (200, 0.1, 20), (200, 1.0, 200), (10, 0.25, 3), (7, 0.5, 4)])
  func outlierCount(count: Int, fraction: Double, expected: Int) throws {
    let set = try Self.make(count: count, outlierFraction: fraction)
    let outliers = try #require(set.outlierIndices)
    #expect(outliers.count == expected)
    #expect(outliers == Array(Set(outliers)).sorted())
    #expect(outliers.allSatisfy { (0..<count).contains($0) })
  }

  @Test("inputs are [N, F] and targets [N, 1]")
  func shapes() throws {
    let set = try Self.make(outlierFraction: 0.1)
    #expect(set.inputs.shape == [200, 4])
    #expect(set.targets.shape == [200, 1])
  }

  /// With the same seed and no outliers, the generator gives the clean line
  /// itself, so every target can be compared with where it would have been.
  @Test("outliers sit outlierScale off the clean line; every other sample is untouched")
  func outliersAreFar() throws {
    let clean = try Self.make(outlierFraction: 0)
    let noisy = try Self.make(outlierFraction: 0.1)
    let outliers = Set(try #require(noisy.outlierIndices))
    #expect(noisy.inputs.data == clean.inputs.data)
    for n in 0..<noisy.count {
      let shift = noisy.targets.data[n] - clean.targets.data[n]
      if outliers.contains(n) {
        #expect(abs(abs(shift) - 50) < 1e-9, "outlier \(n) moved by \(shift)")
      } else {
        #expect(noisy.targets.data[n] == clean.targets.data[n], "sample \(n) moved by \(shift)")
      }
    }
  }

  @Test("outliers go both up and down")
  func bothSigns() throws {
    let clean = try Self.make(outlierFraction: 0)
    let noisy = try Self.make(outlierFraction: 0.25)
    let shifts = try #require(noisy.outlierIndices).map { noisy.targets.data[$0] - clean.targets.data[$0] }
    #expect(shifts.contains { $0 > 0 } && shifts.contains { $0 < 0 })
  }

  @Test("without outliers the targets are a linear function of the inputs plus noise of std 0.1")
  func cleanLine() throws {
    let clean = try Self.make(outlierFraction: 0)
    let residuals = leastSquaresResiduals(clean)
    let rms = (residuals.reduce(0) { $0 + $1 * $1 } / Double(residuals.count)).squareRoot()
    #expect(rms > 0.07 && rms < 0.13, "residual RMS \(rms)")
  }

  @Test("a line fitted to the clean set misses exactly the outliers by far")
  func outliersOffFittedLine() throws {
    let clean = try Self.make(outlierFraction: 0)
    let noisy = try Self.make(outlierFraction: 0.1)
    let fit = leastSquaresFit(clean)
    let outliers = Set(try #require(noisy.outlierIndices))
    for n in 0..<noisy.count {
      let residual = abs(noisy.targets.data[n] - fit(n, noisy))
      #expect(outliers.contains(n) ? residual > 45 : residual < 1, "sample \(n): residual \(residual)")
    }
  }

  @Test("an outlier fraction outside 0...1 throws, naming it", arguments: [-0.1, 1.5, .nan])
  func badFraction(fraction: Double) throws {
    let error = #expect(throws: DatasetError.self) { try Self.make(outlierFraction: fraction) }
    #expect(error?.description.contains("outlierFraction: \(fraction)") == true)
  }
}

/// The ordinary least-squares fit of targets on inputs plus a bias, by the
/// normal equations: a prediction function for sample n of a set.
func leastSquaresFit(_ set: Dataset) -> (Int, Dataset) -> Double {
  let f = set.inputs.shape[1], m = f + 1
  func row(_ n: Int, _ s: Dataset) -> [Double] { Array(s.inputs.data[(n * f)..<((n + 1) * f)]) + [1] }
  var a = [[Double]](repeating: [Double](repeating: 0, count: m + 1), count: m)
  for n in 0..<set.count {
    let x = row(n, set)
    for i in 0..<m {
      for j in 0..<m { a[i][j] += x[i] * x[j] }
      a[i][m] += x[i] * set.targets.data[n]
    }
  }
  // Gauss–Jordan with partial pivoting on the augmented matrix.
  for col in 0..<m {
    let pivot = (col..<m).max { abs(a[$0][col]) < abs(a[$1][col]) }!
    a.swapAt(col, pivot)
    for r in 0..<m where r != col {
      let factor = a[r][col] / a[col][col]
      for c in col...m { a[r][c] -= factor * a[col][c] }
    }
  }
  let coefficients = (0..<m).map { a[$0][m] / a[$0][$0] }
  return { n, s in zip(row(n, s), coefficients).reduce(0) { $0 + $1.0 * $1.1 } }
}

func leastSquaresResiduals(_ set: Dataset) -> [Double] {
  let fit = leastSquaresFit(set)
  return (0..<set.count).map { set.targets.data[$0] - fit($0, set) }
}
