import Foundation
import Autograd

/// One run of a graded function that the judge asks the harness for: which
/// function, and how to build its inputs.
///
/// A scenario holds no values computed by an answer: only seeds, sizes and
/// rules for the inputs, which the harness builds with the engine and the
/// data sets. The judge asks the answer key for the same scenario and
/// compares the two observations.
public enum Scenario: Codable, Sendable, CustomStringConvertible {
  // Exercise 1.
  case gradNorm(GradientSpec, normType: Double)
  case clipGradNorm(GradientSpec, maxNorm: Double, normType: Double, errorIfNonfinite: Bool)
  // Exercise 2.
  case clipGradValue(GradientSpec, clipValue: Double)
  case compareClipping(vector: [Double], maxNorm: Double, clipValue: Double)
  // Exercises 1 and 2: `trainStep`, once or for a whole exploding run.
  case trainStep(StepSpec)
  /// The exercise's own clipping on a `trainStep` scenario's batch
  /// gradient at its threshold: what the step should have clipped with.
  case ownClip(StepSpec)
  case training(TrainingSpec)
  // Exercises 3 and 4: the accumulation loop.
  case accumulation(AccumulationSpec)
  // Exercise 5.
  case unscaleGradients(UnscaleSpec)
  case updateScale(ScalerSpec)
  case mixedPrecision(MixedPrecisionSpec)
  // Exercise 6.
  case accumulationLimits(AccumulationLimitsScenario)
  // Exercise 7.
  case gradientHealth(HealthSpec)

  /// The scenario in words, ending each message about it.
  public var description: String {
    switch self {
    case let .gradNorm(gradients, normType): return "\(gradients), normType \(format(normType))"
    case let .clipGradNorm(gradients, maxNorm, normType, errorIfNonfinite):
      return "\(gradients), maxNorm \(format(maxNorm)), normType \(format(normType))"
        + (errorIfNonfinite ? ", errorIfNonfinite" : "")
    case let .clipGradValue(gradients, clipValue): return "\(gradients), clipValue \(format(clipValue))"
    case let .compareClipping(vector, maxNorm, clipValue):
      return "vector \(formatList(vector)), maxNorm \(format(maxNorm)), clipValue \(format(clipValue))"
    case let .trainStep(spec): return spec.description
    case let .ownClip(spec): return "the batch's gradient of \(spec.problem), at trainStep's threshold"
    case let .training(spec): return spec.description
    case let .accumulation(spec): return spec.description
    case let .unscaleGradients(spec): return spec.description
    case let .updateScale(spec): return spec.description
    case let .mixedPrecision(spec): return spec.description
    case let .accumulationLimits(scenario): return scenario.description
    case let .gradientHealth(spec): return spec.description
    }
  }
}

/// A small seeded model and data set, by name.
public struct ProblemSpec: Codable, Sendable, CustomStringConvertible {
  public enum Kind: String, Codable, Sendable {
    /// An MLP 3 → 6 → 2 (tanh) with mean-squared error.
    case regression
    /// An MLP 2 → 8 → 3 (relu) on spirals with softmax cross-entropy.
    case classifier
    /// An Elman RNN on the adding problem, with exploding recurrent weights.
    case recurrent
    /// An MLP 2 → 8 → 3 (tanh) already sure of every sample, as late in
    /// training: its gradients lie below float16's smallest value.
    case confidentClassifier
  }

  public var kind: Kind
  public var seed: UInt64
  /// The RNN's hidden size; nil for 8.
  public var hidden: Int?

  public init(_ kind: Kind, seed: UInt64, hidden: Int? = nil) {
    self.kind = kind
    self.seed = seed
    self.hidden = hidden
  }

  public static func regression(seed: UInt64) -> ProblemSpec { ProblemSpec(.regression, seed: seed) }
  public static func classifier(seed: UInt64) -> ProblemSpec { ProblemSpec(.classifier, seed: seed) }
  public static func confidentClassifier(seed: UInt64) -> ProblemSpec { ProblemSpec(.confidentClassifier, seed: seed) }
  public static func recurrent(seed: UInt64, hidden: Int? = nil) -> ProblemSpec {
    ProblemSpec(.recurrent, seed: seed, hidden: hidden)
  }

  public var description: String { problem.name }
}

/// Parameters with gradients planted for a clipping call.
public struct GradientSpec: Codable, Sendable, CustomStringConvertible {
  public enum Source: Codable, Sendable {
    /// Parameters of shapes [3, 4], [4], [2, 3] whose gradients have this
    /// total L2 norm, plus (`withoutGrad`) a [2, 2] one without a gradient.
    case random(seed: UInt64, norm: Double, withoutGrad: Bool)
    /// Exactly these gradients; nil for a parameter without one.
    case exact([[Double]?])
    /// The gradient of a `trainStep` scenario's batch at its start.
    case batchGradient(StepSpec)
  }

  /// One gradient entry set after the source is built.
  public struct Entry: Codable, Sendable {
    public var parameter: Int
    public var index: Int
    public var value: Double

    public init(parameter: Int, index: Int, value: Double) {
      self.parameter = parameter
      self.index = index
      self.value = value
    }
  }

  public var source: Source
  public var entries: [Entry]

  public init(_ source: Source, entries: [Entry] = []) {
    self.source = source
    self.entries = entries
  }

  public static func random(seed: UInt64, norm: Double, withoutGrad: Bool = true) -> GradientSpec {
    GradientSpec(.random(seed: seed, norm: norm, withoutGrad: withoutGrad))
  }

  public static func exact(_ grads: [[Double]?]) -> GradientSpec { GradientSpec(.exact(grads)) }

  public var description: String {
    let base: String
    switch source {
    case let .random(seed, norm, withoutGrad):
      base = "random gradients of norm \(format(norm)) (seed \(seed))" + (withoutGrad ? ", one parameter without" : "")
    case let .exact(grads):
      base = "gradients " + grads.map { $0.map(formatList) ?? "none" }.joined(separator: ", ")
    case let .batchGradient(step): base = "the batch's gradient (\(step.problem))"
    }
    return base + entries.map { ", entry \($0.index + 1) of parameter \($0.parameter + 1) set to \(format($0.value))" }
      .joined()
  }
}

/// One `trainStep` call: a model, one batch of 16 and stale gradients left
/// in `.grad`, with a threshold chosen from the batch's gradient so that
/// clipping is active.
public struct StepSpec: Codable, Sendable, CustomStringConvertible {
  public enum Threshold: Codable, Sendable {
    /// maxNorm = this fraction of the gradient's L2 norm.
    case fractionOfNorm(Double)
    /// clipValue = this fraction of the gradient's largest |entry|.
    case fractionOfLargest(Double)
  }

  public var problem: ProblemSpec
  public var threshold: Threshold

  public init(problem: ProblemSpec, threshold: Threshold) {
    self.problem = problem
    self.threshold = threshold
  }

  public var description: String { "\(problem), one batch of 16" }
}

/// The exploding RNN trained step by step with `trainStep`: hidden 16,
/// recurrent weights 1.5 × orthogonal, the adding problem with sequences
/// of 6, plain SGD at 0.2, batches of 32.
public struct TrainingSpec: Codable, Sendable, CustomStringConvertible {
  public var seed: UInt64
  public var steps: Int
  /// maxNorm (exercise 1) or clipValue (exercise 2).
  public var threshold: Double

  public init(seed: UInt64, steps: Int, threshold: Double) {
    self.seed = seed
    self.steps = steps
    self.threshold = threshold
  }

  public var description: String {
    "an exploding RNN (hidden 16, seed \(seed)) trained for \(steps) steps of 32 sequences"
  }
}

/// A run of an accumulation loop (exercise 3, or 4 with a `maxNorm`).
public struct AccumulationSpec: Codable, Sendable, CustomStringConvertible {
  public enum OptimizerKind: Codable, Sendable {
    /// Plain SGD at the problem's learning rate, recording what each step saw.
    case recording
    case sgd(lr: Double)
    case adam(lr: Double)
  }

  public enum MaxNorm: Codable, Sendable {
    case value(Double)
    /// This fraction of the first window's large-batch gradient norm, so
    /// clipping is known to be on (< 1) or off (> 1).
    case fractionOfFirstWindow(Double)
  }

  public var problem: ProblemSpec
  public var sizes: [Int]
  public var accumulationSteps: Int
  public var seed: UInt64
  public var optimizer: OptimizerKind
  /// Exercise 4's threshold; nil for exercise 3.
  public var maxNorm: MaxNorm?
  /// Gradients left in `.grad` before the loop, as if from an earlier step.
  public var staleGradients: Bool
  /// A memory budget of this many times the activations one micro-batch's
  /// forward pass keeps alive; nil for none.
  public var memoryBudget: Double?
  /// Keep every step's gradient whole (short runs) or as a digest.
  public var wholeSteps: Bool

  public init(
    problem: ProblemSpec, sizes: [Int], accumulationSteps: Int, seed: UInt64, optimizer: OptimizerKind = .recording,
    maxNorm: MaxNorm? = nil, staleGradients: Bool = true, memoryBudget: Double? = nil, wholeSteps: Bool = true
  ) {
    self.problem = problem
    self.sizes = sizes
    self.accumulationSteps = accumulationSteps
    self.seed = seed
    self.optimizer = optimizer
    self.maxNorm = maxNorm
    self.staleGradients = staleGradients
    self.memoryBudget = memoryBudget
    self.wholeSteps = wholeSteps
  }

  /// The micro-batch indices of each window, as the loop should group them.
  public var windows: [[Int]] {
    guard accumulationSteps >= 1 else { return [] }
    return stride(from: 0, to: sizes.count, by: accumulationSteps).map {
      Array($0..<min($0 + accumulationSteps, sizes.count))
    }
  }

  public var description: String {
    var text = "\(problem), \(microBatches(sizes)), accumulationSteps \(accumulationSteps)"
    switch maxNorm {
    case let .value(v)?: text += ", maxNorm \(format(v))"
    case let .fractionOfFirstWindow(f)?: text += ", maxNorm \(format(f)) × the first window's norm"
    case nil: break
    }
    if let memoryBudget { text += ", memory for \(format(memoryBudget)) micro-batches" }
    return text
  }
}

/// One `unscaleGradients` call on seeded gradients.
public struct UnscaleSpec: Codable, Sendable, CustomStringConvertible {
  public var seed: UInt64
  /// The standard deviation of the planted (scaled) gradients.
  public var gradientScale: Double
  public var scale: Double
  /// Entries made inf or NaN, as an overflow leaves them.
  public var entries: [GradientSpec.Entry]

  public init(seed: UInt64, gradientScale: Double, scale: Double, entries: [GradientSpec.Entry] = []) {
    self.seed = seed
    self.gradientScale = gradientScale
    self.scale = scale
    self.entries = entries
  }

  public var description: String {
    "gradients of size ~\(format(gradientScale)) (seed \(seed)), scale \(format(scale))"
      + entries.map { ", entry \($0.index + 1) of parameter \($0.parameter + 1) is \($0.value)" }.joined()
  }
}

/// `updateScale` called once per flag, from a given state.
public struct ScalerSpec: Codable, Sendable, CustomStringConvertible {
  public var initScale: Double
  public var growthInterval: Int
  public var growthTracker: Int
  /// The `foundInf` of each call.
  public var foundInf: [Bool]

  public init(initScale: Double, growthInterval: Int, growthTracker: Int = 0, foundInf: [Bool]) {
    self.initScale = initScale
    self.growthInterval = growthInterval
    self.growthTracker = growthTracker
    self.foundInf = foundInf
  }

  public var description: String {
    "from scale \(format(initScale)), tracker \(growthTracker), growthInterval \(growthInterval): "
      + "\(foundInf.count) update(s) with foundInf \(foundInf)"
  }
}

/// A run of the mixed-precision loop: AdamW, linear warmup, a loss scale.
public struct MixedPrecisionSpec: Codable, Sendable, CustomStringConvertible {
  public enum Precision: String, Codable, Sendable {
    case double, float16, bfloat16

    /// The type `autocast` runs the loop in; nil for autocast off.
    public var dtype: DType? {
      switch self {
      case .double: return nil
      case .float16: return .float16
      case .bfloat16: return .bfloat16
      }
    }
  }

  public enum InitialScale: Codable, Sendable {
    case value(Double)
    /// The power of two at which the first window's scaled gradient
    /// overflows by a margin, divided by `divisor`.
    case overflowing(divisor: Double)
  }

  public var problem: ProblemSpec
  public var sizes: [Int]
  public var accumulationSteps: Int
  public var seed: UInt64
  public var maxNorm: Double
  public var initialScale: InitialScale
  public var growthInterval: Int
  public var precision: Precision
  public var learningRate: Double
  public var warmupSteps: Int
  /// Gradients left in `.grad` before the loop, as if from an earlier step.
  public var staleGradients: Bool
  /// A memory budget of this many times the activations one micro-batch's
  /// forward pass keeps alive; nil for none.
  public var memoryBudget: Double?

  public init(
    problem: ProblemSpec, sizes: [Int], accumulationSteps: Int, seed: UInt64, maxNorm: Double = 0.5,
    initialScale: InitialScale, growthInterval: Int, precision: Precision, learningRate: Double = 0.01,
    warmupSteps: Int = 3, staleGradients: Bool = false, memoryBudget: Double? = nil
  ) {
    self.problem = problem
    self.sizes = sizes
    self.accumulationSteps = accumulationSteps
    self.seed = seed
    self.maxNorm = maxNorm
    self.initialScale = initialScale
    self.growthInterval = growthInterval
    self.precision = precision
    self.learningRate = learningRate
    self.warmupSteps = warmupSteps
    self.staleGradients = staleGradients
    self.memoryBudget = memoryBudget
  }

  /// Whether the scaler's bookkeeping (the scale each window used, the
  /// scale and tracker at the end) is observed. Not in bfloat16: it has
  /// float32's range, so a power-of-two scale changes no bit of any
  /// gradient, and a loop may leave the scaler out, as PyTorch's recipe
  /// for bfloat16 does (`GradScaler` is for float16; the AMP docs' "Gradient
  /// Scaling" section). Such a loop is graded on what it trained.
  public var observesScaler: Bool { precision != .bfloat16 }

  public var description: String {
    let scale: String
    switch initialScale {
    case let .value(v): scale = format(v)
    case let .overflowing(divisor): scale = divisor == 1 ? "one that overflows" : "one that overflows ÷ \(format(divisor))"
    }
    return "\(problem), \(microBatches(sizes)), accumulationSteps \(accumulationSteps), maxNorm "
      + "\(format(maxNorm)), initial scale \(scale), growthInterval \(growthInterval), "
      + (precision == .double ? "Double gradients" : "\(precision.rawValue) under autocast")
      + (memoryBudget.map { ", memory for \(format($0)) micro-batches" } ?? "")
  }
}

/// "[3, -0.5, nan]": numbers as a message shows them, never quoted.
public func formatList(_ xs: [Double]) -> String {
  "[" + xs.map(format).joined(separator: ", ") + "]"
}

/// "micro-batch sizes [5, 3, 8]", or "60 micro-batches of 8" when they
/// are all alike and a list would fill lines.
func microBatches(_ sizes: [Int]) -> String {
  if sizes.count > 4, let first = sizes.first, sizes.allSatisfy({ $0 == first }) {
    return "\(sizes.count) micro-batches of \(first)"
  }
  return "micro-batch sizes \(sizes)"
}

/// "0.5", "65536", "1e-06": a number as a message shows it.
public func format(_ x: Double) -> String {
  if x.isNaN { return "nan" }
  if x.isInfinite { return x < 0 ? "-inf" : "inf" }
  return String(format: "%g", x)
}
