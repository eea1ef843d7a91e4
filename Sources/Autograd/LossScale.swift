/// The state of a dynamic loss scaler, as PyTorch's `torch.amp.GradScaler`
/// keeps it, with its defaults.
///
/// Mixed precision multiplies the loss by `scale` before `backward()` so
/// that small gradients survive half precision, divides the gradients by it
/// again before they are used, and adjusts it as training goes: halved when
/// the scaled gradients overflowed, doubled after `growthInterval` steps in
/// a row without an overflow (PyTorch's `GradScaler.update()`).
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
