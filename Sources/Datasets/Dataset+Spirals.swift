import Autograd
import Foundation

extension Dataset {
  /// The interleaved spirals of Stanford's cs231n notes: a small
  /// classification set no linear model can fit, so a two-layer MLP has
  /// something to learn and its gradients something to do.
  ///
  /// Class j's arm follows cs231n exactly: for i in 0..<pointsPerClass, with
  /// r = i / (pointsPerClass − 1) (linspace from 0 to 1), the angle is
  /// t = 4·(j + r) + noise·N(0, 1) and the point is (r·sin t, r·cos t).
  /// Every arm therefore starts at the origin, and arms are 4 radians apart
  /// rather than 2π/classes, which draws the familiar picture for 3 classes.
  ///
  /// - Returns: inputs [N, 2] and targets [N] holding the class index as a
  ///   Double (what `softmaxCrossEntropy` takes), N = classes·pointsPerClass,
  ///   grouped by class: class 0's points first. Shuffle with a `DataLoader`.
  /// - Throws: `DatasetError.invalidArgument` if `classes` or
  ///   `pointsPerClass` is below 1, or `noise` is negative or not finite.
  public static func spirals(
    classes: Int = 3, pointsPerClass: Int, noise: Double = 0.2, rng: inout SplitMix64
  ) throws -> Dataset {
    let call = "spirals(classes: \(classes), pointsPerClass: \(pointsPerClass), noise: \(noise))"
    guard classes >= 1 else {
      throw DatasetError.invalidArgument(call: call, detail: "classes must be at least 1")
    }
    guard pointsPerClass >= 1 else {
      throw DatasetError.invalidArgument(call: call, detail: "pointsPerClass must be at least 1")
    }
    guard noise >= 0, noise.isFinite else {
      throw DatasetError.invalidArgument(call: call, detail: "noise must be a finite number ≥ 0")
    }
    let n = classes * pointsPerClass
    var inputs: [Double] = []
    var targets: [Double] = []
    inputs.reserveCapacity(2 * n)
    targets.reserveCapacity(n)
    for j in 0..<classes {
      for i in 0..<pointsPerClass {
        let r = pointsPerClass == 1 ? 0 : Double(i) / Double(pointsPerClass - 1)
        let t = 4 * (Double(j) + r) + rng.normal(mean: 0, std: noise)
        inputs.append(r * Foundation.sin(t))
        inputs.append(r * Foundation.cos(t))
        targets.append(Double(j))
      }
    }
    return Dataset(checked: Tensor(inputs, shape: [n, 2]), targets: Tensor(targets, shape: [n]), name: call)
  }
}
