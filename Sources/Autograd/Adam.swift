import Foundation

/// Adam (Kingma & Ba) with PyTorch's defaults and bias correction.
///
/// `decoupled: false` adds `weightDecay·p` to the gradient (Adam's L2);
/// `decoupled: true` shrinks the weights directly (AdamW). Use the `AdamW`
/// initializer for the latter.
public final class Adam: Optimizer {
  public let parameters: [Tensor]
  public var learningRate: Double
  public let beta1: Double, beta2: Double, epsilon: Double
  public let weightDecay: Double
  public let decoupled: Bool
  private var m: [[Double]], v: [[Double]]
  /// Steps taken per parameter: like PyTorch's `state["step"]`, a parameter
  /// skipped for lack of a gradient does not advance its bias correction.
  private var steps: [Int]

  public init(
    _ parameters: [Tensor], lr: Double = 1e-3, betas: (Double, Double) = (0.9, 0.999),
    epsilon: Double = 1e-8, weightDecay: Double = 0, decoupled: Bool = false
  ) {
    self.parameters = parameters
    self.learningRate = lr
    (beta1, beta2) = betas
    self.epsilon = epsilon
    self.weightDecay = weightDecay
    self.decoupled = decoupled
    m = parameters.map { [Double](repeating: 0, count: $0.count) }
    v = m
    steps = Array(repeating: 0, count: parameters.count)
  }

  public func step() {
    let lr = learningRate, b1 = beta1, b2 = beta2, eps = epsilon, wd = weightDecay
    for (i, p) in parameters.enumerated() {
      guard let grad = p.grad else { continue }
      steps[i] += 1
      let t = Double(steps[i])
      let correction1 = 1 - Foundation.pow(b1, t), correction2 = 1 - Foundation.pow(b2, t)
      var g = grad.data
      if decoupled {
        if wd != 0 { p.data = mapValues(p.data) { $0 * (1 - lr * wd) } }
      } else if wd != 0 {
        g = zipValues(g, p.data) { g, w in g + wd * w }
      }
      m[i] = zipValues(m[i], g) { m, g in b1 * m + (1 - b1) * g }
      v[i] = zipValues(v[i], g) { v, g in b2 * v + (1 - b2) * g * g }
      p.data = zipValues(p.data, m[i], v[i]) { w, m, v in
        w - lr * (m / correction1) / ((v / correction2).squareRoot() + eps)
      }
    }
  }
}

/// AdamW: Adam with decoupled weight decay (Loshchilov & Hutter), PyTorch's
/// default decay 0.01.
public func AdamW(
  _ parameters: [Tensor], lr: Double = 1e-3, betas: (Double, Double) = (0.9, 0.999),
  epsilon: Double = 1e-8, weightDecay: Double = 0.01
) -> Adam {
  Adam(parameters, lr: lr, betas: betas, epsilon: epsilon, weightDecay: weightDecay, decoupled: true)
}
