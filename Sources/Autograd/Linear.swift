/// y = x·W + b, with W stored as [in, out] so the forward pass is one matmul
/// without a transpose: the op `Tensor.linear`, which autocast runs in low
/// precision as a whole.
public final class Linear: Module {
  /// [in, out]: PyTorch's `nn.Linear` stores the transpose, [out, in]. An
  /// output unit's weights are therefore a column here, a row there.
  public let weight: Tensor
  /// [out].
  public let bias: Tensor

  /// Initialised like PyTorch's `nn.Linear`: U(−1/√in, 1/√in) for both, or
  /// N(0, std²) weights and zero bias when `weightStd` is given.
  public init(_ inFeatures: Int, _ outFeatures: Int, weightStd: Double? = nil, rng: inout SplitMix64) {
    let bound = 1 / Double(inFeatures).squareRoot()
    if let weightStd {
      weight = .randn([inFeatures, outFeatures], std: weightStd, rng: &rng, requiresGrad: true)
      bias = .zeros([outFeatures], requiresGrad: true)
    } else {
      weight = .uniform([inFeatures, outFeatures], low: -bound, high: bound, rng: &rng, requiresGrad: true)
      bias = .uniform([outFeatures], low: -bound, high: bound, rng: &rng, requiresGrad: true)
    }
  }

  public func forward(_ input: Tensor) throws -> Tensor {
    guard input.rank == 2, input.shape[1] == weight.shape[0] else {
      throw TensorError.shapeMismatch(
        op: "Linear", lhs: input.shape, rhs: weight.shape,
        detail: "input must be [batch, \(weight.shape[0])]")
    }
    return try Tensor.linear(input, weight: weight, bias: bias)
  }

  /// `"weight"` and `"bias"`, PyTorch's names.
  public func namedParameters() -> [(name: String, tensor: Tensor)] {
    [("weight", weight), ("bias", bias)]
  }
}
