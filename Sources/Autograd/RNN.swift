import Foundation

/// An Elman recurrent network, hₜ = tanh(xₜ·W_ih + hₜ₋₁·W_hh + b), with a
/// linear readout of the last hidden state.
///
/// Unrolled over time, backpropagation through time multiplies the gradient
/// by W_hh (and tanh') once per step; when W_hh's gains exceed 1 the gradient
/// grows geometrically with sequence length. That is the exploding-gradient
/// problem that gradient clipping is for, and `recurrentInit` makes it
/// easy to provoke.
public final class RNN: Module {
  /// How the recurrent matrix W_hh starts.
  public enum RecurrentInit: Sendable, Equatable {
    /// PyTorch's default, U(−1/√H, 1/√H): tame.
    case uniform
    /// `gain` times a random orthogonal matrix: every direction is scaled by
    /// exactly `gain`, so gain > 1 explodes reliably.
    case orthogonal(gain: Double)
    /// `scale` · N(0, 1/H): spectral radius close to `scale`.
    case gaussian(scale: Double)
  }

  public let inputWeight: Tensor
  public let recurrentWeight: Tensor
  public let bias: Tensor
  public let readout: Linear
  public let hiddenSize: Int

  /// - Parameters:
  ///   - inputStd: if given, W_ih ~ N(0, inputStd²) and the readout weights
  ///     too; otherwise both use PyTorch's uniform default.
  public init(
    inputSize: Int, hiddenSize: Int, outputSize: Int,
    recurrentInit: RecurrentInit = .uniform, inputStd: Double? = nil, rng: inout SplitMix64
  ) {
    let bound = 1 / Double(hiddenSize).squareRoot()
    self.hiddenSize = hiddenSize
    if let inputStd {
      inputWeight = .randn([inputSize, hiddenSize], std: inputStd, rng: &rng, requiresGrad: true)
    } else {
      inputWeight = .uniform([inputSize, hiddenSize], low: -bound, high: bound, rng: &rng, requiresGrad: true)
    }
    switch recurrentInit {
    case .uniform:
      recurrentWeight = .uniform([hiddenSize, hiddenSize], low: -bound, high: bound, rng: &rng, requiresGrad: true)
    case let .orthogonal(gain):
      let q = randomOrthogonal(hiddenSize, rng: &rng)
      recurrentWeight = Tensor(q.map { $0 * gain }, shape: [hiddenSize, hiddenSize], requiresGrad: true)
    case let .gaussian(scale):
      recurrentWeight = .randn([hiddenSize, hiddenSize], std: scale * bound, rng: &rng, requiresGrad: true)
    }
    bias = .zeros([hiddenSize], requiresGrad: true)
    readout = Linear(hiddenSize, outputSize, weightStd: inputStd, rng: &rng)
  }

  /// - Parameter input: [batch, time, features].
  /// - Returns: [batch, outputSize], read from the last hidden state.
  public func forward(_ input: Tensor) throws -> Tensor {
    try readout(hiddenStates(input).last!)
  }

  /// The hidden state after every time step, each [batch, hidden].
  public func hiddenStates(_ input: Tensor) throws -> [Tensor] {
    guard input.rank == 3, input.shape[2] == inputWeight.shape[0], input.shape[1] > 0 else {
      throw TensorError.shapeMismatch(
        op: "RNN", lhs: input.shape, rhs: inputWeight.shape,
        detail: "input must be [batch, time ≥ 1, \(inputWeight.shape[0])]")
    }
    var states: [Tensor] = []
    var h: Tensor?
    for t in 0..<input.shape[1] {
      // One step of the input at a time: only [batch, features] is copied.
      var z = try input.select(axis: 1, index: t).matmul(inputWeight) + bias
      if let h { z = try z + h.matmul(recurrentWeight) }  // h₀ = 0 adds nothing
      h = try z.tanh()
      states.append(h!)
    }
    return states
  }

  /// `"inputWeight"`, `"recurrentWeight"`, `"bias"`, `"readout.weight"`,
  /// `"readout.bias"`: the properties' names, which is how PyTorch's
  /// `named_parameters()` names them too. PyTorch's `nn.RNN` calls the
  /// first three `weight_ih_l0`, `weight_hh_l0` and `bias_ih_l0` +
  /// `bias_hh_l0` (two biases that only ever appear as their sum), and
  /// stores its weights transposed, [hidden, input]; the names stay apart
  /// so that no one copies a PyTorch weight in without transposing it.
  public func namedParameters() -> [(name: String, tensor: Tensor)] {
    [("inputWeight", inputWeight), ("recurrentWeight", recurrentWeight), ("bias", bias)]
      + readout.namedParameters().map { ("readout.\($0.name)", $0.tensor) }
  }
}

/// Q from the Gram–Schmidt orthonormalisation of a Gaussian matrix: a
/// uniformly random orthogonal matrix, row-major n×n.
func randomOrthogonal(_ n: Int, rng: inout SplitMix64) -> [Double] {
  var rows: [[Double]] = []
  while rows.count < n {
    var v = (0..<n).map { _ in rng.normal() }
    for r in rows {
      let dot = zip(v, r).reduce(0) { $0 + $1.0 * $1.1 }
      for i in 0..<n { v[i] -= dot * r[i] }
    }
    let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
    if norm > 1e-8 { rows.append(v.map { $0 / norm }) }
  }
  return rows.flatMap { $0 }
}
