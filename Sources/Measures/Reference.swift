import Autograd
import Contract
import Datasets

/// The engine-side pieces the demos compare a student's code against.
///
/// Baselines ("without clipping", "one large batch") never go through the
/// exercise code: a baseline that shared the student's bug would hide it.
public enum Reference {
  /// The L2 norm of every gradient together (parameters without a gradient
  /// take no part), as `torch.nn.utils.clip_grad_norm_` measures it.
  public static func gradientNorm(_ parameters: [Tensor]) -> Double {
    parameters.compactMap(\.grad).flatMap(\.data).reduce(0) { $0 + $1 * $1 }.squareRoot()
  }

  /// PyTorch's norm clipping: every gradient times
  /// `min(1, maxNorm / (norm + 1e-6))`.
  ///
  /// - Returns: the norm before clipping.
  @discardableResult
  public static func clipGradNorm(_ parameters: [Tensor], maxNorm: Double) -> Double {
    let norm = gradientNorm(parameters)
    let factor = clipFactor(norm: norm, maxNorm: maxNorm)
    parameters.compactMap(\.grad).forEach { $0.data = $0.data.map { factor * $0 } }
    return norm
  }

  /// `min(1, maxNorm / (norm + 1e-6))`; a NaN stays NaN, as in PyTorch.
  public static func clipFactor(norm: Double, maxNorm: Double) -> Double {
    let ratio = maxNorm / (norm + 1e-6)
    return ratio.isNaN ? ratio : min(1, ratio)
  }

  /// A gradient (one array per parameter) clipped by norm, as a copy.
  public static func clipByNorm(_ gradient: [[Double]], maxNorm: Double) -> [[Double]] {
    let factor = clipFactor(norm: Compare.norm(gradient), maxNorm: maxNorm)
    return gradient.map { $0.map { $0 * factor } }
  }

  /// One ordinary step, optionally clipped by norm with `clipNorm`.
  public static func step(
    model: any Module, optimizer: any Optimizer, batch: Batch, lossFunction: LossFunction, clipNorm: Double? = nil
  ) throws -> StepRecord {
    optimizer.zeroGrad()
    let loss = try lossFunction(model(batch.inputs), batch.targets)
    try loss.backward()
    let norm = clipNorm.map { clipGradNorm(model.parameters(), maxNorm: $0) } ?? gradientNorm(model.parameters())
    optimizer.step()
    return StepRecord(loss: loss.item(), gradNorm: norm)
  }

  /// The gradient of the mean loss over `batch` at the model's current
  /// parameters, one array per parameter; `.grad` is left cleared.
  public static func gradient(model: any Module, batch: Batch, lossFunction: LossFunction) throws -> [[Double]] {
    model.zeroGrad()
    let loss = try lossFunction(model(batch.inputs), batch.targets)
    try loss.backward()
    defer { model.zeroGrad() }
    return Compare.gradients(of: model.parameters())
  }

  /// The mean loss over a whole data set, without recording a graph.
  public static func evaluate(model: any Module, on data: Dataset, lossFunction: LossFunction) throws -> Double {
    try noGrad { try lossFunction(model(data.inputs), data.targets).item() }
  }

  /// The fraction of samples whose largest logit is the labelled class.
  public static func accuracy(model: any Module, on data: Dataset) throws -> Double {
    let logits = try noGrad { try model(data.inputs) }
    let classes = logits.shape[1]
    var correct = 0
    for i in 0..<data.count {
      let row = logits.data[(i * classes)..<((i + 1) * classes)]
      let predicted = row.indices.max { row[$0] < row[$1] }! - i * classes
      if Double(predicted) == data.targets.data[i] { correct += 1 }
    }
    return Double(correct) / Double(data.count)
  }
}
