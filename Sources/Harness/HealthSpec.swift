/// Exercise 7's scenarios: one call of the gradient-health lab's functions,
/// or a short run of its training step.
public enum HealthSpec: Codable, Sendable, CustomStringConvertible {
  /// `adaptiveGradClip` on a planted model's parameters.
  case adaptiveGradClip(PlantedModel, clipping: Double, eps: Double)
  /// `centralizeGradients` on a planted model's parameters.
  case centralize(PlantedModel)
  /// `gradientReport` after a step that a clipping and plain SGD took.
  case report(ReportSpec)
  /// One `trainStepWithReport`.
  case step(HealthStepSpec)
  /// `trainStepWithReport` step after step, clipping with the code's own
  /// `adaptiveGradClip` (all but the final layer), centralizing, with SGD
  /// and momentum.
  case training(seed: UInt64, steps: Int, clipping: Double)

  public var description: String {
    switch self {
    case let .adaptiveGradClip(model, clipping, eps):
      return "\(model), clipping \(format(clipping))" + (eps == 1e-3 ? "" : ", eps \(format(eps))")
    case let .centralize(model): return model.description
    case let .report(spec): return spec.description
    case let .step(spec): return spec.description
    case let .training(seed, steps, clipping):
      return "\(ProblemSpec.regression(seed: seed)), \(steps) steps of SGD with momentum 0.9, centralized, "
        + "adaptiveGradClip(clipping: \(format(clipping))) on all but the final layer"
    }
  }
}

/// A seeded MLP whose parameters are given gradients of planted sizes: each
/// output unit (a weight column, a whole bias) gets a random direction and
/// a size drawn log-uniformly from `sizes`.
public struct PlantedModel: Codable, Sendable, CustomStringConvertible {
  public var seed: UInt64
  /// The MLP's widths, input first.
  public var widths: [Int]
  /// Biases start at 0 (and weights N(0, 1/in)), as in many inits.
  public var zeroBiases: Bool
  /// The range of a unit's gradient norm, divided by √(entries).
  public var sizes: ClosedRange<Double>
  /// Parameters (by index) left without a gradient.
  public var withoutGradient: [Int]
  /// Gradient entries set after the rest is built (NaN, infinities).
  public var entries: [GradientSpec.Entry]

  public init(
    seed: UInt64, widths: [Int] = [3, 5, 4, 2], zeroBiases: Bool = false, sizes: ClosedRange<Double> = 1e-3...1,
    withoutGradient: [Int] = [], entries: [GradientSpec.Entry] = []
  ) {
    self.seed = seed
    self.widths = widths
    self.zeroBiases = zeroBiases
    self.sizes = sizes
    self.withoutGradient = withoutGradient
    self.entries = entries
  }

  public var description: String {
    "MLP \(widths.map(String.init).joined(separator: "→")) (seed \(seed))"
      + (zeroBiases ? " with zero biases" : "") + ", unit gradients of \(format(sizes.lowerBound))–"
      + "\(format(sizes.upperBound)) per entry"
      + (withoutGradient.isEmpty ? "" : ", parameter(s) \(withoutGradient.map { $0 + 1 }) without a gradient")
      + entries.map { ", entry \($0.index + 1) of parameter \($0.parameter + 1) set to \(format($0.value))" }.joined()
  }
}

/// `gradientReport` after a step: the planted gradients are the ones before
/// clipping; a clipping multiplied them by `clipFactor`; plain SGD at 0.1
/// then moved every parameter but those in `unmoved`.
public struct ReportSpec: Codable, Sendable, CustomStringConvertible {
  public var model: PlantedModel
  public var clipFactor: Double
  /// Parameters whose values were all 0 before the step.
  public var zeroValues: [Int]
  /// Parameters the step did not move.
  public var unmoved: [Int]
  /// Hands the report one gradient too few (an invalid call).
  public var oneGradientShort: Bool

  public init(
    model: PlantedModel, clipFactor: Double, zeroValues: [Int] = [], unmoved: [Int] = [], oneGradientShort: Bool = false
  ) {
    self.model = model
    self.clipFactor = clipFactor
    self.zeroValues = zeroValues
    self.unmoved = unmoved
    self.oneGradientShort = oneGradientShort
  }

  public var description: String {
    "a step on \(model), clipping factor \(format(clipFactor))"
      + (zeroValues.isEmpty ? "" : ", parameter(s) \(zeroValues.map { $0 + 1 }) all zeros before the step")
      + (unmoved.isEmpty ? "" : ", parameter(s) \(unmoved.map { $0 + 1 }) not moved")
      + (oneGradientShort ? ", one gradient fewer than parameters" : "")
  }
}

/// One `trainStepWithReport` on a problem's batch, with stale gradients
/// left in `.grad`.
public struct HealthStepSpec: Codable, Sendable, CustomStringConvertible {
  public enum Clipping: Codable, Sendable {
    case none
    /// The grader's `clipGradNorm` at this fraction of the batch
    /// gradient's norm.
    case globalNorm(fraction: Double)
  }

  public var problem: ProblemSpec
  public var centralize: Bool
  public var clipping: Clipping
  /// SGD with this momentum behind the step; nil for plain SGD.
  public var momentum: Double?

  public init(problem: ProblemSpec, centralize: Bool, clipping: Clipping, momentum: Double? = nil) {
    self.problem = problem
    self.centralize = centralize
    self.clipping = clipping
    self.momentum = momentum
  }

  public var description: String {
    var text = "\(problem), one batch of 16, centralize \(centralize)"
    switch clipping {
    case .none: text += ", no clipping"
    case let .globalNorm(fraction): text += ", clipGradNorm at \(format(fraction)) × the batch gradient's norm"
    }
    return text + (momentum.map { ", SGD with momentum \(format($0))" } ?? "")
  }
}
