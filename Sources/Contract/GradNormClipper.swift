import Autograd

/// A function with the shape of exercise 1's `clipGradNorm`, handed to code
/// that clips but is not about clipping (exercise 4's training loop).
///
/// Exercise 4 is graded with the reference clipping, so a mistake in
/// exercise 1 costs points in exercise 1 only; its demo can run it with the
/// student's own. Called like `clipGradNorm` itself:
///
///     let norm = try clipGradNorm(model.parameters(), maxNorm: maxNorm)
public struct GradNormClipper: Sendable {
  public typealias Body =
    @Sendable (_ parameters: [Tensor], _ maxNorm: Double, _ normType: Double, _ errorIfNonfinite: Bool) throws
    -> Double

  private let body: Body

  public init(_ body: @escaping Body) { self.body = body }

  /// Clips the gradients of `parameters` to a total norm of `maxNorm` and
  /// returns their norm before clipping, as `clip_grad_norm_` does.
  @discardableResult
  public func callAsFunction(
    _ parameters: [Tensor], maxNorm: Double, normType: Double = 2, errorIfNonfinite: Bool = false
  ) throws -> Double {
    try body(parameters, maxNorm, normType, errorIfNonfinite)
  }
}
