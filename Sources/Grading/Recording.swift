import Autograd
import Datasets

/// What a training loop did, in order: which micro-batches it computed a
/// loss on, and the gradient and parameters each `step()` saw.
final class EventLog {
  enum Event {
    case loss(microBatch: Int)
    /// `withoutGradient`: how many parameters had no `.grad` at all.
    case step(params: Values, grads: Values, withoutGradient: Int)
  }

  var events: [Event] = []

  /// One observed optimizer step: the micro-batches whose losses were
  /// computed since the previous step, and what the step saw.
  struct Step {
    var microBatches: [Int]
    var params: Values
    var grads: Values
    /// Parameters whose `.grad` was nil (zeroGrad() clears to nil), as
    /// opposed to a gradient of zeros that backward() produced.
    var withoutGradient: Int
  }

  /// The steps, and the micro-batches computed after the last step.
  var steps: (steps: [Step], trailing: [Int]) {
    var steps: [Step] = []
    var pending: [Int] = []
    for event in events {
      switch event {
      case let .loss(index): pending.append(index)
      case let .step(params, grads, withoutGradient):
        steps.append(Step(microBatches: pending, params: params, grads: grads, withoutGradient: withoutGradient))
        pending = []
      }
    }
    return (steps, pending)
  }
}

/// Plain SGD (no momentum), so each step's effect is exactly −lr × the
/// gradient it saw, and it records that gradient.
final class RecordingSGD: Optimizer {
  let parameters: [Tensor]
  var learningRate: Double
  let log: EventLog

  init(_ parameters: [Tensor], lr: Double, log: EventLog) {
    self.parameters = parameters
    learningRate = lr
    self.log = log
  }

  func step() {
    let grads = parameters.map { $0.grad?.data ?? [Double](repeating: 0, count: $0.count) }
    let withoutGradient = parameters.filter { $0.grad == nil }.count
    log.events.append(.step(params: parameters.map(\.data), grads: grads, withoutGradient: withoutGradient))
    for (p, g) in zip(parameters, grads) {
      p.data = zip(p.data, g).map { $0 - learningRate * $1 }
    }
  }
}

/// Wraps a loss so each call records which micro-batch it was given
/// (recognised by its target tensor, or by equal values if it was copied).
func recordingLoss(_ base: @escaping LossFunction, batches: [Batch], log: EventLog) -> LossFunction {
  { prediction, target in
    let index =
      batches.firstIndex { $0.targets === target }
      ?? batches.firstIndex { $0.targets.shape == target.shape && $0.targets.data == target.data } ?? -1
    log.events.append(.loss(microBatch: index))
    return try base(prediction, target)
  }
}

/// Gradients planted before a loop starts, as if left over from an earlier
/// step, so a missing first `zeroGrad()` shows in the numbers.
func plantStaleGradients(_ model: any Module, seed: UInt64) -> Values {
  var rng = SplitMix64(seed: seed &+ 0x57A1E)
  return model.parameters().map { p in
    let stale = (0..<p.count).map { _ in rng.normal(std: 0.3) }
    p.grad = Tensor(stale, shape: p.shape)
    return stale
  }
}
