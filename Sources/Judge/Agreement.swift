/// How far apart two runs of a scenario are: what the judge compares a
/// student's observation with the expected one and with each mistake's.
///
/// It compares what the code did, not how it wrote it: the value returned
/// or the error thrown, which micro-batches came before each `step()` and
/// the gradient that step used, what the handed clipping was called on,
/// and the gradients and parameters left at the end, and the all-reduces
/// where a scenario counts them. The order of calls within a window, how
/// often `zeroGrad()` ran and how much memory was used are not compared: a
/// correct loop may differ in all of them.
public enum Agreement {
  /// 0 when the runs agree exactly; the largest relative difference of
  /// their numbers otherwise; infinity when they differ in kind (one
  /// threw, a step more, another micro-batch before a step).
  public static func distance(_ a: Observation, _ b: Observation) -> Double {
    let (x, y) = Facts.aligned(a, b)
    return x.distance(to: y)
  }

  /// ‖a − b‖ / ‖b‖ over the values laid end to end (the absolute distance
  /// when b is tiny). A NaN matches only a NaN, an infinity only itself;
  /// arrays of different lengths are infinitely far apart.
  public static func distance(_ a: [Double], _ b: [Double]) -> Double {
    guard a.count == b.count else { return .infinity }
    var diff = 0.0, size = 0.0
    for (x, y) in zip(a, b) {
      if x.isNaN || y.isNaN {
        if x.isNaN != y.isNaN { return .infinity }
        continue
      }
      if x.isInfinite || y.isInfinite {
        if x != y { return .infinity }
        continue
      }
      diff += (x - y) * (x - y)
      size += y * y
    }
    return diff.squareRoot() / max(size.squareRoot(), 1e-300)
  }

  /// The same for gradients that may be missing: a parameter with a
  /// gradient never matches one without.
  public static func distance(_ a: [[Double]?], _ b: [[Double]?]) -> Double {
    guard a.count == b.count, zip(a, b).allSatisfy({ ($0 == nil) == ($1 == nil) }) else { return .infinity }
    return distance(a.compactMap { $0 }.flatMap { $0 }, b.compactMap { $0 }.flatMap { $0 })
  }

  /// |a − b| / max(1, |b|), for one number; NaN matches NaN.
  public static func distance(_ a: Double, _ b: Double) -> Double {
    if a.isNaN || b.isNaN { return a.isNaN && b.isNaN ? 0 : .infinity }
    if a.isInfinite || b.isInfinite { return a == b ? 0 : .infinity }
    return abs(a - b) / max(1, abs(b))
  }
}

/// The facts of one observation that `Agreement` compares.
struct Facts {
  struct Step {
    /// The micro-batches whose loss was computed since the previous step.
    var microBatches: [Int]
    var gradients: [Double]
    var learningRate: Double
  }

  /// What kind of ending: "threw invalidArgument", "returned records 3";
  /// two runs whose kinds differ are infinitely far apart.
  var kind: String
  var returned: [Double]
  var steps: [Step]
  /// Micro-batches computed after the last step.
  var trailing: [Int]
  var clipInputs: [[Double]]
  var gradients: [[Double]?]?
  var parameters: [Double]?
  var scaler: [Double]
  /// The all-reduces, where the scenario counts them: decisions, which
  /// must be the same, not close.
  var communication: [Double]

  /// The facts of `a` and `b`, cut where either stopped at a clipping the
  /// judge could not answer: the inputs of the clippings up to there, and
  /// the steps before, are all there is to compare.
  static func aligned(_ a: Observation, _ b: Observation) -> (Facts, Facts) {
    let cut = [a, b].compactMap(\.unansweredClip).min()
    return (Facts(a, clipsKept: cut), Facts(b, clipsKept: cut))
  }

  init(_ observation: Observation, clipsKept cut: Int?) {
    var steps: [Step] = [], pending: [Int] = [], clips: [[Double]] = []
    for event in observation.events {
      if let cut, clips.count >= cut { break }
      switch event {
      case let .loss(index): pending.append(index)
      case let .step(seen):
        steps.append(Step(microBatches: pending.sorted(), gradients: seen.gradients.flat, learningRate: seen.learningRate))
        pending = []
      case let .clip(seen): clips.append(seen.input.flat)
      case .zeroGrad, .backward, .schedulerStep: break
      }
    }
    self.steps = steps
    trailing = pending.sorted()
    clipInputs = clips
    communication = Observation.communicationCounts.compactMap { observation.measured[$0] }
    if cut != nil {
      // Where the run stopped is what is compared, not how it ended.
      kind = "stopped at a clipping"
      returned = []
      gradients = nil
      parameters = nil
      scaler = []
      return
    }
    (kind, returned) = Self.ending(observation.outcome)
    gradients = observation.gradients
    parameters = observation.parameters?.flat
    scaler = ["scale after", "tracker after"].compactMap { observation.measured[$0] }
  }

  static func ending(_ outcome: Outcome) -> (String, [Double]) {
    switch outcome {
    case let .threw(error): return ("threw \(error.kind.rawValue)", [])
    case let .returned(value):
      switch value {
      case .nothing: return ("returned nothing", [])
      case let .number(x): return ("returned a number", [x])
      case let .flag(b): return ("returned \(b)", [])
      case let .numbers(xs): return ("returned \(xs.count) numbers", xs)
      case let .record(r): return ("returned a record", [r.loss, r.gradNorm])
      case let .records(rs): return ("returned \(rs.count) records", rs.flatMap { [$0.loss, $0.gradNorm] })
      case let .comparison(c):
        return (
          "returned a comparison of \(c.original.count), \(c.byNorm.count), \(c.byValue.count)",
          c.original + c.byNorm + c.byValue + [c.angleByNormDegrees, c.angleByValueDegrees]
        )
      case let .windows(ws):
        // Which windows stepped and the scale each used are decisions:
        // they must be the same, not close.
        let decisions = ws.map { "\($0.stepped ? "stepped" : "skipped") at \($0.scale)" }.joined(separator: ", ")
        return ("returned windows [\(decisions)]", ws.flatMap { [$0.loss, $0.gradNorm] })
      case let .scales(states):
        return ("returned scales \(states.map { "(\($0.scale), \($0.growthTracker))" })", [])
      case let .reports(reports): return ending(reports)
      }
    }
  }

  func distance(to other: Facts) -> Double {
    guard kind == other.kind, steps.count == other.steps.count, trailing == other.trailing,
      clipInputs.count == other.clipInputs.count, zip(steps, other.steps).allSatisfy({ $0.microBatches == $1.microBatches }),
      (gradients == nil) == (other.gradients == nil), (parameters == nil) == (other.parameters == nil),
      scaler.count == other.scaler.count, communication == other.communication
    else { return .infinity }
    var worst = returned.count == 1
      ? Agreement.distance(returned[0], other.returned[0]) : Agreement.distance(returned, other.returned)
    for (a, b) in zip(steps, other.steps) {
      worst = max(worst, Agreement.distance(a.gradients, b.gradients), Agreement.distance(a.learningRate, b.learningRate))
    }
    for (a, b) in zip(clipInputs, other.clipInputs) { worst = max(worst, Agreement.distance(a, b)) }
    if let gradients, let others = other.gradients { worst = max(worst, Agreement.distance(gradients, others)) }
    if let parameters, let others = other.parameters { worst = max(worst, Agreement.distance(parameters, others)) }
    for (a, b) in zip(scaler, other.scaler) { worst = max(worst, Agreement.distance(a, b)) }
    return worst
  }
}

extension Observation {
  /// The index of the first call of the handed clipping the judge could
  /// not answer, if the run stopped at one.
  var unansweredClip: Int? {
    guard outcome.thrown?.kind == .unanswered else { return nil }
    return events.compactMap(\.clip).firstIndex { !$0.answered }.map { $0 + 1 }
  }
}
