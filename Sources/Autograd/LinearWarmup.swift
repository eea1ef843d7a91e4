/// Raises the learning rate linearly from `baseLR / warmupSteps` to `baseLR`
/// over the first `warmupSteps` optimizer steps, then holds it.
///
/// Early gradients of a fresh model are often the largest; a small step
/// size at first keeps them from throwing the weights far away. Call
/// `step()` once after each `optimizer.step()`, like a PyTorch scheduler.
/// Unlike `LambdaLR(lambda s: min(1, s / warmup))`, the first step is not 0.
public final class LinearWarmup {
  public let optimizer: any Optimizer
  public let baseLR: Double
  public let warmupSteps: Int
  public private(set) var stepCount = 0

  public init(_ optimizer: any Optimizer, warmupSteps: Int) {
    precondition(warmupSteps >= 1, "LinearWarmup needs warmupSteps ≥ 1, got \(warmupSteps)")
    self.optimizer = optimizer
    self.baseLR = optimizer.learningRate
    self.warmupSteps = warmupSteps
    optimizer.learningRate = learningRate(at: 0)
  }

  /// The rate used for optimizer step `step` (0-based).
  public func learningRate(at step: Int) -> Double {
    baseLR * min(1, Double(step + 1) / Double(warmupSteps))
  }

  public func step() {
    stepCount += 1
    optimizer.learningRate = learningRate(at: stepCount)
  }
}
