import Autograd

extension Dataset {
  /// The adding problem of Hochreiter & Schmidhuber (1997): the standard
  /// test of whether a recurrent network can carry information across many
  /// steps, and long sequences are where its gradients explode or vanish.
  ///
  /// Each sequence has `length` steps of two channels. Channel 0 is noise,
  /// U[0, 1). Channel 1 is 0 except for exactly two markers set to 1: one at
  /// a uniformly random step of the first half (0..<length/2) and one of the
  /// second half (length/2..<length). The target is the sum of the two
  /// marked channel-0 values, so the network must find and remember both.
  ///
  /// Baseline: the target is the sum of two independent U[0, 1) values,
  /// with mean 1 and variance 2·(1/12) = 1/6. A model that always predicts 1
  /// (which is easy to learn without looking at the markers) reaches an MSE
  /// of about 1/6 ≈ 0.167; only a loss well below that shows the task solved.
  ///
  /// Draws per sequence, in order: the `length` channel-0 values, then the
  /// first-half marker, then the second-half marker.
  ///
  /// - Returns: inputs [count, length, 2] (the [batch, time, features]
  ///   layout `RNN` reads) and targets [count, 1].
  /// - Throws: `DatasetError.invalidArgument` if `count` is below 1 or
  ///   `length` below 2 (two markers need two halves of at least one step).
  public static func addingProblem(count: Int, length: Int, rng: inout SplitMix64) throws -> Dataset {
    let call = "addingProblem(count: \(count), length: \(length))"
    guard count >= 1 else {
      throw DatasetError.invalidArgument(call: call, detail: "count must be at least 1")
    }
    guard length >= 2 else {
      throw DatasetError.invalidArgument(
        call: call, detail: "length must be at least 2, one step in each half for the two markers")
    }
    let half = length / 2
    var inputs = [Double](repeating: 0, count: count * length * 2)
    var targets: [Double] = []
    targets.reserveCapacity(count)
    for n in 0..<count {
      let start = n * length * 2
      for t in 0..<length { inputs[start + 2 * t] = rng.uniform() }
      let first = rng.int(below: half)
      let second = half + rng.int(below: length - half)
      inputs[start + 2 * first + 1] = 1
      inputs[start + 2 * second + 1] = 1
      targets.append(inputs[start + 2 * first] + inputs[start + 2 * second])
    }
    return Dataset(
      checked: Tensor(inputs, shape: [count, length, 2]), targets: Tensor(targets, shape: [count, 1]), name: call)
  }
}
