/// Updates parameters from their gradients, like `torch.optim.Optimizer`.
///
/// `step()` reads each parameter's `grad` (skipping those without one, as
/// PyTorch does) and changes `data` in place; nothing is recorded in a graph.
public protocol Optimizer: AnyObject {
  var parameters: [Tensor] { get }
  var learningRate: Double { get set }
  func step()
  /// Clears the gradients of every parameter (to `nil`, as PyTorch 2 does).
  func zeroGrad()
}

extension Optimizer {
  public func zeroGrad() {
    for p in parameters { p.zeroGrad() }
  }
}

/// Stochastic gradient descent with optional momentum and L2 weight decay,
/// with PyTorch's update rule: v ← μ·v + g, p ← p − lr·v.
public final class SGD: Optimizer {
  public let parameters: [Tensor]
  public var learningRate: Double
  public let momentum: Double
  public let weightDecay: Double
  private var velocity: [[Double]?]

  public init(_ parameters: [Tensor], lr: Double, momentum: Double = 0, weightDecay: Double = 0) {
    self.parameters = parameters
    self.learningRate = lr
    self.momentum = momentum
    self.weightDecay = weightDecay
    velocity = Array(repeating: nil, count: parameters.count)
  }

  public func step() {
    for (i, p) in parameters.enumerated() {
      guard let grad = p.grad else { continue }
      var g = grad.data
      if weightDecay != 0 { g = zipValues(g, p.data) { g, w in g + weightDecay * w } }
      if momentum != 0 {
        // The first step starts the buffer at g, as PyTorch does.
        g = velocity[i].map { v in zipValues(v, g) { v, g in momentum * v + g } } ?? g
        velocity[i] = g
      }
      let lr = learningRate
      p.data = zipValues(p.data, g) { w, g in w - lr * g }
    }
  }
}
