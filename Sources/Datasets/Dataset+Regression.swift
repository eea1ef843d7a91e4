import Autograd

extension Dataset {
  /// Linear regression with a few gross outliers: the smallest setting in
  /// which one sample produces a gradient orders of magnitude larger than
  /// the rest, so an unclipped step overshoots and clipping visibly helps.
  ///
  /// The clean data is y = x·w + b + noise·N(0, 1), x ~ N(0, 1) per feature,
  /// with w ~ N(0, 1) per feature and b ~ N(0, 1) drawn once per set. Then
  /// exactly `(outlierFraction · count).rounded()` samples (halves round
  /// away from zero), chosen uniformly without replacement, get
  /// ±`outlierScale` added to their target, the sign a fair coin each.
  ///
  /// The weights, inputs, noise and outliers come from four generators split
  /// off `rng` in that order, so two calls with the same seed and different
  /// `outlierFraction` or `outlierScale` share w, b, x and the clean targets
  /// exactly: the only difference between the runs is the outliers.
  ///
  /// - Returns: inputs [count, features], targets [count, 1], and
  ///   `outlierIndices` listing the moved samples in ascending order (empty,
  ///   not `nil`, when there are none).
  /// - Throws: `DatasetError.invalidArgument` if `count` or `features` is
  ///   below 1, `outlierFraction` is outside [0, 1], or `outlierScale` or
  ///   `noise` is negative or not finite.
  public static func regression(
    count: Int, features: Int, outlierFraction: Double, outlierScale: Double = 50, noise: Double = 0.1,
    rng: inout SplitMix64
  ) throws -> Dataset {
    let call =
      "regression(count: \(count), features: \(features), outlierFraction: \(outlierFraction), "
      + "outlierScale: \(outlierScale), noise: \(noise))"
    guard count >= 1 else { throw DatasetError.invalidArgument(call: call, detail: "count must be at least 1") }
    guard features >= 1 else { throw DatasetError.invalidArgument(call: call, detail: "features must be at least 1") }
    guard outlierFraction >= 0, outlierFraction <= 1 else {
      throw DatasetError.invalidArgument(call: call, detail: "outlierFraction must be in 0...1")
    }
    guard outlierScale >= 0, outlierScale.isFinite else {
      throw DatasetError.invalidArgument(call: call, detail: "outlierScale must be a finite number ≥ 0")
    }
    guard noise >= 0, noise.isFinite else {
      throw DatasetError.invalidArgument(call: call, detail: "noise must be a finite number ≥ 0")
    }
    var weightRNG = rng.split()
    var inputRNG = rng.split()
    var noiseRNG = rng.split()
    var outlierRNG = rng.split()

    let weights = (0..<features).map { _ in weightRNG.normal() }
    let bias = weightRNG.normal()
    let inputs = (0..<(count * features)).map { _ in inputRNG.normal() }
    var targets = (0..<count).map { n in
      var y = bias
      for f in 0..<features { y += inputs[n * features + f] * weights[f] }
      return y + noiseRNG.normal(mean: 0, std: noise)
    }

    // A partial Fisher–Yates shuffle: its first k entries are a uniform
    // k-subset, drawn with k random numbers whatever `count` is.
    let outlierCount = Int((outlierFraction * Double(count)).rounded())
    var pool = Array(0..<count)
    for i in 0..<outlierCount {
      pool.swapAt(i, i + outlierRNG.int(below: count - i))
    }
    let outliers = pool[..<outlierCount].sorted()
    for n in outliers {
      targets[n] += outlierRNG.next() >> 63 == 0 ? outlierScale : -outlierScale
    }
    return Dataset(
      checked: Tensor(inputs, shape: [count, features]), targets: Tensor(targets, shape: [count, 1]),
      name: call, outlierIndices: outliers)
  }
}
