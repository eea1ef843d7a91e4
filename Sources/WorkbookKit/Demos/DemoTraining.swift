import Autograd
import Datasets
import Foundation

/// The engine-side pieces the demos compare a student's code against.
///
/// Baselines ("without clipping", "one large batch") never go through the
/// exercise code: a baseline that shared the student's bug would hide it.
enum Reference {
  /// The L2 norm of every gradient together (parameters without a gradient
  /// take no part), as `torch.nn.utils.clip_grad_norm_` measures it.
  static func gradientNorm(_ parameters: [Tensor]) -> Double {
    parameters.compactMap(\.grad).flatMap(\.data).reduce(0) { $0 + $1 * $1 }.squareRoot()
  }

  /// PyTorch's norm clipping: every gradient times
  /// `min(1, maxNorm / (norm + 1e-6))`.
  ///
  /// - Returns: the norm before clipping.
  @discardableResult
  static func clipGradNorm(_ parameters: [Tensor], maxNorm: Double) -> Double {
    let norm = gradientNorm(parameters)
    let factor = clipFactor(norm: norm, maxNorm: maxNorm)
    parameters.compactMap(\.grad).forEach { $0.data = $0.data.map { factor * $0 } }
    return norm
  }

  /// `min(1, maxNorm / (norm + 1e-6))`; a NaN stays NaN, as in PyTorch.
  static func clipFactor(norm: Double, maxNorm: Double) -> Double {
    let ratio = maxNorm / (norm + 1e-6)
    return ratio.isNaN ? ratio : min(1, ratio)
  }

  /// A gradient (one array per parameter) clipped by norm, as a copy.
  static func clipByNorm(_ gradient: [[Double]], maxNorm: Double) -> [[Double]] {
    let factor = clipFactor(norm: Compare.norm(gradient), maxNorm: maxNorm)
    return gradient.map { $0.map { $0 * factor } }
  }

  /// One ordinary step, optionally clipped by norm with `clipNorm`.
  static func step(
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
  static func gradient(model: any Module, batch: Batch, lossFunction: LossFunction) throws -> [[Double]] {
    model.zeroGrad()
    let loss = try lossFunction(model(batch.inputs), batch.targets)
    try loss.backward()
    defer { model.zeroGrad() }
    return model.parameters().map { $0.grad?.data ?? [Double](repeating: 0, count: $0.count) }
  }

  /// The mean loss over a whole data set, without recording a graph.
  static func evaluate(model: any Module, on data: Dataset, lossFunction: LossFunction) throws -> Double {
    try noGrad { try lossFunction(model(data.inputs), data.targets).item() }
  }

  /// The fraction of samples whose largest logit is the labelled class.
  static func accuracy(model: any Module, on data: Dataset) throws -> Double {
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

/// Plain SGD that keeps a copy of the gradient of its latest step.
///
/// The exercise functions step and zero the gradients themselves, so the
/// gradient they accumulated or clipped is only visible at `step()`. This
/// optimizer takes that snapshot, then updates exactly like `SGD(lr:)`.
final class GradientRecordingSGD: Optimizer {
  let parameters: [Tensor]
  var learningRate: Double
  /// The gradients `step()` last used, one array per parameter (zeros for
  /// a parameter without one); `nil` before the first step.
  private(set) var lastGradient: [[Double]]?
  private(set) var stepCount = 0

  init(_ parameters: [Tensor], lr: Double) {
    self.parameters = parameters
    learningRate = lr
  }

  func step() {
    lastGradient = parameters.map { $0.grad?.data ?? [Double](repeating: 0, count: $0.count) }
    stepCount += 1
    let lr = learningRate
    for (p, g) in zip(parameters, parameters.map(\.grad)) where g != nil {
      p.data = zip(p.data, g!.data).map { w, g in w - lr * g }
    }
  }
}

/// Comparisons of parameter (or gradient) lists, entry by entry.
enum Compare {
  /// The largest |a − b| over every entry; NaN when any entry is NaN.
  static func largestDifference(_ a: [[Double]], _ b: [[Double]]) -> Double {
    var largest = 0.0
    for (x, y) in zip(a, b) {
      for (u, v) in zip(x, y) {
        let d = abs(u - v)
        if d.isNaN { return .nan }
        largest = max(largest, d)
      }
    }
    return largest
  }

  /// The L2 norm of a list of arrays taken as one vector.
  static func norm(_ a: [[Double]]) -> Double {
    a.reduce(0) { $0 + $1.reduce(0) { $0 + $1 * $1 } }.squareRoot()
  }

  static func parameters(of model: any Module) -> [[Double]] { model.parameters().map(\.data) }
}

/// `values` with NaN after its end up to `count` entries, for charts: the
/// x axis then spans every planned step, and a run that stopped early
/// visibly stops short. (Files keep the real length: a step never computed
/// is an empty cell, not a NaN.)
func padded(_ values: [Double], to count: Int) -> [Double] {
  values + [Double](repeating: .nan, count: max(0, count - values.count))
}

/// The trailing mean of the last `window` values at every step (fewer at
/// the start). Batch losses are noisy; the mean of a few batches shows the
/// trend without hiding a divergence: a NaN stays NaN.
func smoothed(_ values: [Double], window: Int) -> [Double] {
  let window = max(window, 1)
  // Summed afresh for every step: a running sum would carry the rounding
  // of a 1e300 that has left the window into every later value.
  return values.indices.map { i in
    let recent = values[max(0, i - window + 1)...i]
    return recent.reduce(0, +) / Double(recent.count)
  }
}

/// The first step (1-based) whose value is above `limit`, if any.
func firstStep(_ values: [Double], above limit: Double) -> Int? {
  values.firstIndex { !($0 <= limit) }.map { $0 + 1 }
}

/// The Euclidean length of a vector.
func length(_ v: [Double]) -> Double { v.reduce(0) { $0 + $1 * $1 }.squareRoot() }

/// The angle in degrees between two gradients taken as one long vector
/// each; 0 when either is zero, NaN when either is not finite.
func angleDegrees(_ a: [[Double]], _ b: [[Double]]) -> Double {
  var dot = 0.0
  var aa = 0.0
  var bb = 0.0
  for (x, y) in zip(a, b) {
    for (u, v) in zip(x, y) {
      dot += u * v
      aa += u * u
      bb += v * v
    }
  }
  guard dot.isFinite, aa.isFinite, bb.isFinite else { return .nan }
  guard aa > 0, bb > 0 else { return 0 }
  return acos(min(1, max(-1, dot / (aa.squareRoot() * bb.squareRoot())))) * 180 / Double.pi
}

/// The mean of the finite values; NaN when there are none.
func mean(_ values: [Double]) -> Double {
  let finite = values.filter(\.isFinite)
  return finite.isEmpty ? .nan : finite.reduce(0, +) / Double(finite.count)
}

/// Seconds since `start`, for the timing line every demo closes with.
func elapsed(since start: Date) -> Double { Date().timeIntervalSince(start) }

/// `items` in consecutive groups of `size`, the last one possibly shorter:
/// the windows of the demos' own accumulation loops.
func windows<T>(of items: [T], size: Int) -> [[T]] {
  stride(from: 0, to: items.count, by: max(size, 1)).map { Array(items[$0..<Swift.min($0 + max(size, 1), items.count)]) }
}
