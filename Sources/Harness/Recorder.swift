import Autograd
import Datasets
import Foundation
import Measures

/// Collects the events of one run, in order.
///
/// Shared by the recording optimizer, the recording loss and the
/// `backward()` hook; one run happens on one thread, so the lock only
/// keeps the type honest about being passed to the hook.
final class Recorder: @unchecked Sendable {
  private let lock = NSLock()
  private var recorded: [Event] = []
  /// Keep each step's values whole, or as a digest.
  let wholeSteps: Bool

  init(wholeSteps: Bool) { self.wholeSteps = wholeSteps }

  func record(_ event: Event) { lock.withLock { recorded.append(event) } }

  var events: [Event] { lock.withLock { recorded } }

  /// Forgets what was recorded while the scenario was set up.
  func clear() { lock.withLock { recorded = [] } }

  /// Runs `body` with every `backward()` it calls recorded.
  func watchingBackward<R>(_ body: () throws -> R) rethrows -> R {
    try BackwardHook.$current.withValue({ [self] in record(.backward) }, operation: body)
  }

  /// What `step()` sees in `parameters`, before it moves them.
  func stepSeen(_ parameters: [Tensor], learningRate: Double) -> StepSeen {
    StepSeen(
      gradients: Snapshot(Compare.gradients(of: parameters), whole: wholeSteps),
      withoutGradient: parameters.filter { $0.grad == nil }.count, learningRate: learningRate)
  }
}

/// An optimizer that records each `zeroGrad()` and `step()` (with what the
/// step saw) and every change of its learning rate (what a schedule's
/// `step()` does), then does what `inner` does.
///
/// Without an inner optimizer it is plain SGD, so each step's effect is
/// exactly −lr × the gradient it saw.
final class RecordingOptimizer: Optimizer {
  let parameters: [Tensor]
  /// What moves the parameters: the scenario's own optimizer, or the
  /// engine's plain SGD (optimized code, where the update touches every
  /// entry).
  private let inner: any Optimizer
  private let recorder: Recorder

  init(_ parameters: [Tensor], lr: Double, inner: (any Optimizer)? = nil, recorder: Recorder) {
    self.parameters = parameters
    self.inner = inner ?? SGD(parameters, lr: lr)
    self.recorder = recorder
  }

  var learningRate: Double {
    get { inner.learningRate }
    set {
      recorder.record(.schedulerStep)
      inner.learningRate = newValue
    }
  }

  func zeroGrad() {
    recorder.record(.zeroGrad)
    for p in parameters { p.zeroGrad() }
  }

  func step() {
    recorder.record(.step(recorder.stepSeen(parameters, learningRate: learningRate)))
    inner.step()
  }
}

/// Wraps a loss so each call records which micro-batch it was given
/// (recognised by its target tensor, or by equal values if it was copied).
func recordingLoss(_ base: @escaping LossFunction, batches: [Batch], recorder: Recorder) -> LossFunction {
  recordingCalls(base, targets: batches.map(\.targets), recorder: recorder)
}

/// `base`, recording before each call the index in `targets` of the
/// target tensor it was given (-1 for one that is none of them).
func recordingCalls<Loss>(
  _ base: @escaping (Tensor, Tensor) throws -> Loss, targets: [Tensor], recorder: Recorder
) -> (Tensor, Tensor) throws -> Loss {
  { prediction, target in
    let index =
      targets.firstIndex { $0 === target }
      ?? targets.firstIndex { $0.shape == target.shape && $0.data == target.data } ?? -1
    recorder.record(.loss(microBatch: index))
    return try base(prediction, target)
  }
}

/// Gradients planted before a loop starts, as if left over from an earlier
/// step, so a missing first `zeroGrad()` shows in the numbers.
func plantStaleGradients(_ model: any Module, seed: UInt64) {
  var rng = SplitMix64(seed: seed &+ 0x57A1E)
  for p in model.parameters() {
    p.grad = Tensor((0..<p.count).map { _ in rng.normal(std: 0.3) }, shape: p.shape)
  }
}
