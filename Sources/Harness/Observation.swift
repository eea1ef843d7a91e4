import Contract

/// What the student's code did in one scenario, as the harness saw it: the
/// facts the judge compares, and nothing it concluded.
///
/// The harness runs in the student's process, so everything here is only a
/// claim of that process. The judge trusts none of it: it compares the
/// claim with what the answer key's code did in the same scenario.
public struct Observation: Codable, Sendable {
  /// What the graded function returned or threw.
  public var outcome: Outcome
  /// The calls the code made, in order: `zeroGrad()`, the loss function,
  /// `backward()`, `step()`, the clipping it was handed, the schedule.
  public var events: [Event]
  /// Every parameter's gradient after the call; nil for one without.
  public var gradients: [[Double]?]?
  /// Every parameter's values after the call.
  public var parameters: Snapshot?
  /// Numbers the harness measured about the scenario or the run, by name
  /// ("maxNorm", "scale after", "peak bytes").
  public var measured: [String: Double]

  public init(
    outcome: Outcome, events: [Event] = [], gradients: [[Double]?]? = nil, parameters: Snapshot? = nil,
    measured: [String: Double] = [:]
  ) {
    self.outcome = outcome
    self.events = events
    self.gradients = gradients
    self.parameters = parameters
    self.measured = measured
  }
}

/// What the graded function did in the end.
public enum Outcome: Codable, Sendable {
  case returned(Returned)
  case threw(Thrown)

  /// The returned value, if it returned.
  public var returned: Returned? {
    if case let .returned(value) = self { return value }
    return nil
  }

  /// The error, if it threw.
  public var thrown: Thrown? {
    if case let .threw(error) = self { return error }
    return nil
  }
}

/// A returned value, of the types the exercises' functions return.
public enum Returned: Codable, Sendable {
  case nothing
  case number(Double)
  case flag(Bool)
  case numbers([Double])
  case record(StepRecord)
  case records([StepRecord])
  case comparison(ClipComparison)
  case windows([MixedPrecisionRecord])
  case scales([LossScaleState])
  case reports([GradientReport])
}

/// The state of a loss scaler after one `updateScale` call.
public struct LossScaleState: Codable, Sendable, Equatable {
  public var scale: Double
  public var growthTracker: Int

  public init(scale: Double, growthTracker: Int) {
    self.scale = scale
    self.growthTracker = growthTracker
  }
}

/// An error the graded code threw, reduced to what the judge reads.
public struct Thrown: Codable, Sendable, Equatable, CustomStringConvertible {
  public enum Kind: String, Codable, Sendable {
    /// `WorkbookError.notImplemented`: a stub not filled in.
    case notImplemented
    case invalidArgument
    case nonFiniteNorm
    /// The memory meter's budget was exceeded (`TensorError.outOfMemory`).
    case outOfMemory
    /// The clipping the code was handed was called on a gradient the judge
    /// did not expect, and could not answer (see `ClipQuestion`).
    case unanswered
    /// Anything else: a shape error, an error type of the student's own.
    case other
  }

  public var kind: Kind
  /// The error as the code's `description` printed it.
  public var message: String
  /// The function the error names, and for `notImplemented` the exercise
  /// number; for `invalidArgument` the detail without the function.
  public var function: String?
  public var exercise: Int?
  public var detail: String?

  public init(kind: Kind, message: String, function: String? = nil, exercise: Int? = nil, detail: String? = nil) {
    self.kind = kind
    self.message = message
    self.function = function
    self.exercise = exercise
    self.detail = detail
  }

  public var description: String { message }
}

/// One call the code made that the harness records.
public enum Event: Codable, Sendable {
  case zeroGrad
  /// The loss function was called on micro-batch `index` (0-based; -1 for
  /// data that is no micro-batch of the scenario).
  case loss(microBatch: Int)
  case backward
  case step(StepSeen)
  case clip(ClipSeen)
  /// The learning-rate schedule's `step()`.
  case schedulerStep

  public var step: StepSeen? {
    if case let .step(seen) = self { return seen }
    return nil
  }

  public var clip: ClipSeen? {
    if case let .clip(seen) = self { return seen }
    return nil
  }
}

/// What one `optimizer.step()` saw.
public struct StepSeen: Codable, Sendable {
  /// The gradient it used (zeros for a parameter without one).
  public var gradients: Snapshot
  /// Parameters whose `.grad` was nil (what `zeroGrad()` leaves), as
  /// opposed to a gradient of zeros that `backward()` produced.
  public var withoutGradient: Int
  public var learningRate: Double

  public init(gradients: Snapshot, withoutGradient: Int, learningRate: Double) {
    self.gradients = gradients
    self.withoutGradient = withoutGradient
    self.learningRate = learningRate
  }
}

/// One call of the clipping function the code was handed.
public struct ClipSeen: Codable, Sendable {
  /// The gradient it was called on.
  public var input: Snapshot
  public var maxNorm: Double
  /// False when the judge could not answer (the gradient was not one it
  /// expected), and the call threw `Thrown.Kind.unanswered`.
  public var answered: Bool

  public init(input: Snapshot, maxNorm: Double, answered: Bool) {
    self.input = input
    self.maxNorm = maxNorm
    self.answered = answered
  }
}
