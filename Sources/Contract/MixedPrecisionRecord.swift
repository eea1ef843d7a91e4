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
