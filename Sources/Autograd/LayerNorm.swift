/// Layer normalization over the last axis, PyTorch's `nn.LayerNorm` with
/// `normalized_shape` one size (the features) and its defaults (eps 1e-5,
/// elementwise affine weight of ones and bias of zeros).
///
/// Each sample is normalized with its own mean and its own biased variance
/// (divided by the number of features), then scaled and shifted per
/// feature:
///
///     y = (x − E[x]) / √(Var[x] + eps) · weight + bias
///
/// Because a sample's statistics come from that sample alone, a batch split
/// into micro-batches gives every sample the same output and the same
/// gradient as the whole batch does: accumulation reproduces the large
/// batch's step exactly. `BatchNorm1d`, whose statistics come from the
/// batch, does not. LayerNorm has no running statistics and behaves the
/// same in training and evaluation mode. See
/// https://docs.pytorch.org/docs/stable/generated/torch.nn.LayerNorm.html
/// and torch/nn/modules/normalization.py.
///
///     let norm = LayerNorm(64)
///     let y = try norm(x)  // x: [batch, 64] or [batch, time, 64]
///
/// Memory: the recorded op keeps its output plus, per sample, the mean and
/// 1/σ its backward rule needs (PyTorch's saved `mean` and `rstd`):
/// (rows · features + 2 · rows) values, rows being the product of every axis
/// but the last.
public final class LayerNorm: Module {
  /// The size of the last axis, which is normalized.
  public let normalizedShape: Int
  /// Added to the variance before the square root.
  public let eps: Double
  /// The per-feature scale γ, initialised to ones.
  public let weight: Tensor
  /// The per-feature shift β, initialised to zeros.
  public let bias: Tensor

  public init(_ normalizedShape: Int, eps: Double = 1e-5) {
    precondition(normalizedShape >= 1, "LayerNorm needs at least one feature, got \(normalizedShape)")
    self.normalizedShape = normalizedShape
    self.eps = eps
    weight = .ones([normalizedShape], requiresGrad: true)
    bias = .zeros([normalizedShape], requiresGrad: true)
  }

  /// - Parameter input: [..., normalizedShape], any rank from 1.
  /// - Returns: the normalized input, of the input's shape.
  /// - Throws: `TensorError.shapeMismatch` when the last axis is not
  ///   `normalizedShape` long.
  public func forward(_ input: Tensor) throws -> Tensor {
    guard input.rank >= 1, input.shape.last == normalizedShape else {
      throw TensorError.shapeMismatch(
        op: "LayerNorm", lhs: input.shape, rhs: [normalizedShape],
        detail: "the last axis must have normalizedShape = \(normalizedShape) features")
    }
    return try input.normalized(
      statistics: input.normalizationStatistics(over: .features), over: .features, eps: eps,
      weight: weight, bias: bias, fromThisInput: true, op: "LayerNorm")
  }

  /// `"weight"` and `"bias"`, PyTorch's names.
  public func namedParameters() -> [(name: String, tensor: Tensor)] {
    [("weight", weight), ("bias", bias)]
  }
}
