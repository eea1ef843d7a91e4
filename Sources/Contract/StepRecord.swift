/// What one optimizer step reports: the loss it trained on and the total
/// gradient norm before any clipping (the number to watch for explosions).
public struct StepRecord: Equatable, Sendable, Codable {
  public var loss: Double
  public var gradNorm: Double

  public init(loss: Double, gradNorm: Double) {
    self.loss = loss
    self.gradNorm = gradNorm
  }
}
