/// What clipping did to one vector: exercise 2's 2-D experiment.
public struct ClipComparison: Equatable, Sendable, Codable {
  /// The vector before clipping.
  public var original: [Double]
  /// The vector clipped by norm, with `min(1, maxNorm / (length + 1e-6))`.
  public var byNorm: [Double]
  /// The vector clipped by value: each entry clamped to ±clipValue.
  public var byValue: [Double]
  /// The angle in degrees between `original` and `byNorm` (0 when either
  /// has length 0).
  public var angleByNormDegrees: Double
  /// The angle in degrees between `original` and `byValue`.
  public var angleByValueDegrees: Double

  public init(
    original: [Double], byNorm: [Double], byValue: [Double],
    angleByNormDegrees: Double, angleByValueDegrees: Double
  ) {
    self.original = original
    self.byNorm = byNorm
    self.byValue = byValue
    self.angleByNormDegrees = angleByNormDegrees
    self.angleByValueDegrees = angleByValueDegrees
  }
}
