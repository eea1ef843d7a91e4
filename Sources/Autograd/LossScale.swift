/// The state of a dynamic loss scaler, as PyTorch's `torch.amp.GradScaler`
/// keeps it, with its defaults.
///
/// Mixed precision multiplies the loss by `scale` before `backward()` so
/// that small gradients survive half precision, divides the gradients by it
/// again before they are used, and adjusts it as training goes: halved when
/// the scaled gradients overflowed, doubled after `growthInterval` steps in
/// a row without an overflow. Exercise 5 writes the adjusting.
public struct LossScale: Equatable, Sendable, Codable {
  /// What the losses are multiplied by: a power of two, so scaling and
  /// unscaling are exact.
  public var scale: Double
  /// Steps in a row without an overflow since the scale last changed
  /// (PyTorch's `_growth_tracker`).
  public var growthTracker: Int
  public var growthFactor: Double
  public var backoffFactor: Double
  public var growthInterval: Int

  /// PyTorch's defaults: 2¹⁶, doubled after 2000 clean steps, halved on an
  /// overflow.
  public init(
    initScale: Double = 65536, growthFactor: Double = 2, backoffFactor: Double = 0.5, growthInterval: Int = 2000
  ) {
    scale = initScale
    growthTracker = 0
    self.growthFactor = growthFactor
    self.backoffFactor = backoffFactor
    self.growthInterval = growthInterval
  }
}

/// What one window of a mixed-precision loop reports.
public struct MixedPrecisionRecord: Equatable, Sendable, Codable {
  /// The window's mean loss over its samples (unscaled).
  public var loss: Double
  /// The norm of the unscaled gradient before clipping; infinite or NaN
  /// when the scaled gradients overflowed.
  public var gradNorm: Double
  /// False when the step was skipped because of an overflow.
  public var stepped: Bool
  /// The scale the window's losses were multiplied by.
  public var scale: Double

  public init(loss: Double, gradNorm: Double, stepped: Bool, scale: Double) {
    self.loss = loss
    self.gradNorm = gradNorm
    self.stepped = stepped
    self.scale = scale
  }
}
