import Autograd
import Contract
import Datasets

/// The engine's own baselines the demos compare a student's code with:
/// no clipping, one large batch, small batches, and the measures of a run.
///
/// Baselines never go through the exercise code (a baseline that shared
/// the student's bug would hide it), and compute no exercise's answer.
public enum Baseline {
  /// The L2 norm of every gradient together (parameters without a gradient
  /// take no part): what a demo reports for a run it does not clip.
  public static func gradientNorm(_ parameters: [Tensor]) -> Double {
    Compare.norm(parameters.compactMap { $0.grad?.data })
  }

  /// One ordinary step, without clipping: the baseline every demo's
  /// clipped run is compared with.
  public static func step(
    model: any Module, optimizer: any Optimizer, batch: Batch, lossFunction: LossFunction
  ) throws -> StepRecord {
    optimizer.zeroGrad()
    let loss = try lossFunction(model(batch.inputs), batch.targets)
    try loss.backward()
    let norm = gradientNorm(model.parameters())
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
