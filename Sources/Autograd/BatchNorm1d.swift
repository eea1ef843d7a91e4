/// Batch normalization of [batch, features], PyTorch's `nn.BatchNorm1d`
/// with its defaults: eps 1e-5, momentum 0.1, affine weight of ones and bias
/// of zeros, running statistics tracked.
///
/// In training mode (the default, `train()`), each feature is normalized
/// with the mean and the *biased* variance (divided by N) of this batch:
///
///     y = (x − E[x]) / √(Var[x] + eps) · weight + bias
///
/// and the running estimates move towards the batch's, with the *unbiased*
/// variance (divided by N − 1) for the running variance:
///
///     runningMean ← (1 − momentum) · runningMean + momentum · E[x]
///     runningVar  ← (1 − momentum) · runningVar  + momentum · Var[x] · N/(N − 1)
///
/// In evaluation mode (`eval()`), it normalizes with the running estimates
/// instead and leaves them alone. As in PyTorch, the running statistics
/// move on every training-mode forward pass, under `noGrad` too.
///
/// The statistics couple the samples of a batch: every output depends on
/// every input of its feature, and the backward pass goes through the mean
/// and the variance (the full gradient). That is why gradient accumulation
/// over micro-batches does *not* reproduce the large batch's step with
/// BatchNorm: each micro-batch normalizes with its own, noisier statistics.
/// `LayerNorm` has no such coupling.
///
/// Follows torch/nn/modules/batchnorm.py (`_BatchNorm.forward`, with
/// `momentum=None` meaning a cumulative average) and
/// https://docs.pytorch.org/docs/stable/generated/torch.nn.BatchNorm1d.html.
/// Only the [N, C] input is supported, not PyTorch's [N, C, L].
///
///     let norm = BatchNorm1d(64)
///     let y = try norm(x)  // x: [batch ≥ 2, 64], training mode
///     norm.eval()          // now normalizes with runningMean, runningVar
///
/// Memory: in training mode the recorded op keeps its output plus the
/// per-feature mean and 1/σ its backward rule needs (PyTorch's saved
/// `save_mean` and `save_invstd`): N · C + 2 · C values. In evaluation mode
/// only the output, N · C.
public final class BatchNorm1d: Module {
  /// C, the size of the feature axis.
  public let numFeatures: Int
  /// Added to the variance before the square root.
  public let eps: Double
  /// The weight of the newest batch in the running estimates; `nil` for a
  /// cumulative (equally weighted) average over all batches so far.
  public let momentum: Double?
  /// The per-feature scale γ, initialised to ones.
  public let weight: Tensor
  /// The per-feature shift β, initialised to zeros.
  public let bias: Tensor
  /// The running mean, a buffer (not trained), initialised to zeros.
  public let runningMean: Tensor
  /// The running unbiased variance, a buffer, initialised to ones.
  public let runningVar: Tensor
  /// How many training-mode batches the running estimates have seen, a 0-D
  /// buffer.
  public let numBatchesTracked: Tensor
  /// Whether forward uses (and updates) batch statistics; see `train(_:)`.
  public private(set) var training = true

  public init(_ numFeatures: Int, eps: Double = 1e-5, momentum: Double? = 0.1) {
    precondition(numFeatures >= 1, "BatchNorm1d needs at least one feature, got \(numFeatures)")
    self.numFeatures = numFeatures
    self.eps = eps
    self.momentum = momentum
    weight = .ones([numFeatures], requiresGrad: true)
    bias = .zeros([numFeatures], requiresGrad: true)
    runningMean = .zeros([numFeatures])
    runningVar = .ones([numFeatures])
    numBatchesTracked = Tensor(scalar: 0)
  }

  /// - Parameter input: [N, numFeatures]; N ≥ 2 in training mode.
  /// - Returns: the normalized input, [N, numFeatures].
  /// - Throws: `TensorError.shapeMismatch` for another shape, and
  ///   `TensorError.invalidArgument` for a single sample in training mode,
  ///   whose variance is 0 and whose unbiased variance is undefined
  ///   (PyTorch: "Expected more than 1 value per channel when training").
  public func forward(_ input: Tensor) throws -> Tensor {
    guard input.rank == 2, input.shape[1] == numFeatures else {
      throw TensorError.shapeMismatch(
        op: "BatchNorm1d", lhs: input.shape, rhs: [numFeatures],
        detail: "input must be [batch, numFeatures = \(numFeatures)]")
    }
    guard training else {
      let running = NormalizationStatistics(mean: runningMean.data, variance: runningVar.data)
      return try input.normalized(
        statistics: running, over: .rows, eps: eps, weight: weight, bias: bias, fromThisInput: false,
        op: "BatchNorm1d(eval)")
    }
    let n = input.shape[0]
    guard n > 1 else {
      throw TensorError.invalidArgument(
        op: "BatchNorm1d",
        detail: "expected more than 1 value per feature in training mode, got input of shape \(input.shape)")
    }
    let batch = input.normalizationStatistics(over: .rows)
    let output = try input.normalized(
      statistics: batch, over: .rows, eps: eps, weight: weight, bias: bias, fromThisInput: true,
      op: "BatchNorm1d")
    // Updated after the forward pass succeeded, so a pass that ran out of
    // memory leaves the estimates as they were.
    numBatchesTracked.data[0] += 1
    let factor = momentum ?? 1 / numBatchesTracked.data[0]
    let bessel = Double(n) / Double(n - 1)
    for c in 0..<numFeatures {
      runningMean.data[c] = (1 - factor) * runningMean.data[c] + factor * batch.mean[c]
      runningVar.data[c] = (1 - factor) * runningVar.data[c] + factor * batch.variance[c] * bessel
    }
    return output
  }

  /// Training mode (`true`): batch statistics, running estimates updated.
  /// Evaluation mode (`false`): running estimates, nothing updated.
  public func train(_ mode: Bool) { training = mode }

  /// `"weight"` and `"bias"`, PyTorch's names.
  public func namedParameters() -> [(name: String, tensor: Tensor)] {
    [("weight", weight), ("bias", bias)]
  }

  /// PyTorch's `running_mean`, `running_var` and `num_batches_tracked`,
  /// spelled as Swift properties are.
  public func namedBuffers() -> [(name: String, tensor: Tensor)] {
    [("runningMean", runningMean), ("runningVar", runningVar), ("numBatchesTracked", numBatchesTracked)]
  }
}
