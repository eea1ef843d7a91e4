import Autograd

/// Plain SGD that keeps a copy of the gradient of its latest step.
///
/// The exercise functions step and zero the gradients themselves, so the
/// gradient they accumulated or clipped is only visible at `step()`. This
/// optimizer takes that snapshot, then updates exactly like `SGD(lr:)`.
public final class GradientRecordingSGD: Optimizer {
  public let parameters: [Tensor]
  public var learningRate: Double
  /// The gradients `step()` last used, one array per parameter (zeros for
  /// a parameter without one); `nil` before the first step.
  public private(set) var lastGradient: [[Double]]?
  public private(set) var stepCount = 0

  public init(_ parameters: [Tensor], lr: Double) {
    self.parameters = parameters
    learningRate = lr
  }

  public func step() {
    lastGradient = Compare.gradients(of: parameters)
    stepCount += 1
    let lr = learningRate
    for (p, g) in zip(parameters, parameters.map(\.grad)) where g != nil {
      p.data = zip(p.data, g!.data).map { w, g in w - lr * g }
    }
  }
}
