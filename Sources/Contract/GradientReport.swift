/// What one optimizer step did to one named parameter: exercise 7's
/// per-layer monitor, seed 002's `check_gradients` done properly.
public struct ParameterHealth: Equatable, Sendable, Codable {
  /// The parameter's name, as `namedParameters()` gives it
  /// ("layers.0.weight").
  public var name: String
  /// The L2 norm of its gradient before clipping; 0 without a gradient.
  public var gradNorm: Double
  /// The L2 norm of its values before the step: what the gradient was
  /// computed at, and what adaptive clipping compares it with.
  public var paramNorm: Double
  /// ‖values after the step − values before‖ / ‖values before‖: the
  /// update-to-weight ratio (CS231n's rule of thumb: about 1e-3). 0 when
  /// the step did not move it; infinite when it moved an all-zero one.
  public var updateRatio: Double
  /// How many entries of its gradient before clipping are NaN or ±inf.
  public var nonFinite: Int

  public init(name: String, gradNorm: Double, paramNorm: Double, updateRatio: Double, nonFinite: Int) {
    self.name = name
    self.gradNorm = gradNorm
    self.paramNorm = paramNorm
    self.updateRatio = updateRatio
    self.nonFinite = nonFinite
  }
}

/// A whole model's gradient health after one optimizer step.
public struct GradientReport: Equatable, Sendable, Codable {
  /// One entry per named parameter, in `namedParameters()` order.
  public var parameters: [ParameterHealth]
  /// The L2 norm of all gradients together before clipping: the number
  /// `clip_grad_norm_` returns and the one worth logging.
  public var globalNormBefore: Double
  /// The same after clipping: at most the threshold when clipping by norm.
  public var globalNormAfter: Double
  /// The name of the first parameter, in backward order (the reverse of
  /// `namedParameters()`), whose gradient before clipping holds a NaN or
  /// an infinity; nil when every gradient is finite.
  public var firstNonFinite: String?

  public init(
    parameters: [ParameterHealth], globalNormBefore: Double, globalNormAfter: Double, firstNonFinite: String?
  ) {
    self.parameters = parameters
    self.globalNormBefore = globalNormBefore
    self.globalNormAfter = globalNormAfter
    self.firstNonFinite = firstNonFinite
  }
}
