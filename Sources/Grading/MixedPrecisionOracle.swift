import Autograd
import Contract
import Datasets

/// One graded run of a mixed-precision loop (exercise 5).
struct MixedPrecisionScenario {
  var problem: Problem
  var sizes: [Int]
  var steps: Int
  var seed: UInt64
  var maxNorm: Double
  var lossScale: LossScale
  /// Gradients in half precision (`autocast`), or in Double.
  var half: Bool
  var learningRate = 0.01
  var warmupSteps = 3

  var description: String {
    "\(problem.name), micro-batch sizes \(sizes), accumulationSteps \(steps), maxNorm \(fixed(maxNorm)), "
      + "initial scale \(fixed(lossScale.scale)), growthInterval \(lossScale.growthInterval), "
      + (half ? "half-precision gradients" : "Double gradients")
  }
}

/// AdamW that notes the learning rate of every step it takes.
final class RecordingAdamW: Optimizer {
  let inner: Adam
  private(set) var learningRates: [Double] = []

  init(_ parameters: [Tensor], lr: Double) { inner = AdamW(parameters, lr: lr) }

  var parameters: [Tensor] { inner.parameters }
  var learningRate: Double {
    get { inner.learningRate }
    set { inner.learningRate = newValue }
  }

  func step() {
    learningRates.append(inner.learningRate)
    inner.step()
  }
}

/// What a loop did in a scenario: everything the checks compare.
struct MixedPrecisionOutcome: Equatable {
  var records: [MixedPrecisionRecord]
  var final: Values
  var lossScale: LossScale
  var learningRates: [Double]
}

/// Runs `loop` (the student's, or the answer key's) on a fresh model.
func runMixedPrecision(
  _ scenario: MixedPrecisionScenario,
  _ loop: (any Module, any Optimizer, LinearWarmup, [Batch], inout LossScale) throws -> [MixedPrecisionRecord]
) throws -> MixedPrecisionOutcome {
  let batches = try scenario.problem.microBatches(sizes: scenario.sizes, seed: scenario.seed)
  let model = scenario.problem.makeModel()
  let optimizer = RecordingAdamW(model.parameters(), lr: scenario.learningRate)
  let scheduler = LinearWarmup(optimizer, warmupSteps: scenario.warmupSteps)
  var lossScale = scenario.lossScale
  let records = try autocast(scenario.half) { try loop(model, optimizer, scheduler, batches, &lossScale) }
  return MixedPrecisionOutcome(
    records: records, final: values(of: model), lossScale: lossScale, learningRates: optimizer.learningRates)
}

/// The answer key of exercise 5: the loop written out once, with each
/// mistake the graders name as a variant of one line, so a student's run
/// can be compared with the right one and with every known wrong one.
enum MixedPrecisionOracle {
  /// Where the loop goes wrong; `nil` is the right loop.
  enum Bug: CaseIterable {
    case clipBeforeUnscale, unscalePerMicroBatch, stepDespiteOverflow, infCheckOnLossOnly, infCheckAfterClip
    case scaleNeverUpdated, scaleUpdatedPerMicroBatch, growthWithoutTrackerReset
    case unscaleTwice, multiplyWhenUnscaling, schedulerPerMicroBatch, scheduleAdvancedOnSkip, noZeroGradAfterSkip

    var mistake: Mistake {
      switch self {
      case .clipBeforeUnscale: return .clipBeforeUnscale
      case .unscalePerMicroBatch: return .unscalePerMicroBatch
      case .stepDespiteOverflow: return .stepDespiteOverflow
      case .infCheckOnLossOnly: return .infCheckOnLossOnly
      case .infCheckAfterClip: return .infCheckAfterClip
      case .scaleNeverUpdated: return .scaleNeverUpdated
      case .scaleUpdatedPerMicroBatch: return .scaleUpdatedPerMicroBatch
      case .growthWithoutTrackerReset: return .growthWithoutTrackerReset
      case .unscaleTwice, .multiplyWhenUnscaling: return .unscaleWrongWay
      case .schedulerPerMicroBatch: return .schedulerPerMicroBatch
      case .scheduleAdvancedOnSkip: return .scheduleAdvancedOnSkip
      case .noZeroGradAfterSkip: return .noZeroGradAfterSkip
      }
    }

    var explanation: String {
      switch self {
      case .clipBeforeUnscale: return "the gradients were clipped while still scaled, then unscaled"
      case .unscalePerMicroBatch: return "the gradients were unscaled after every micro-batch's backward()"
      case .stepDespiteOverflow: return "step() ran on a window whose gradients overflowed, though the overflow was found"
      case .infCheckOnLossOnly: return "only the scaled loss was checked for inf, not the gradients"
      case .infCheckAfterClip:
        return "the gradients were checked for inf after clipping, which had turned every inf into NaN (and the rest into 0)"
      case .scaleNeverUpdated: return "the scale was never updated"
      case .scaleUpdatedPerMicroBatch:
        return "the scale was updated after every micro-batch's backward(), not once per window"
      case .growthWithoutTrackerReset: return "the scale grew but the growth tracker was not reset to 0"
      case .unscaleTwice: return "the gradients were divided by the scale twice"
      case .multiplyWhenUnscaling: return "the gradients were multiplied by the scale instead of divided"
      case .schedulerPerMicroBatch: return "the schedule was stepped after every micro-batch"
      case .scheduleAdvancedOnSkip: return "the schedule was stepped also on windows whose step was skipped"
      case .noZeroGradAfterSkip: return "the gradients were not zeroed after a skipped step"
      }
    }
  }

  // The answer key is written in a style of its own, not as a copy of the
  // reference solution: `workbook handout` ships it, and its tests check
  // that no line of a solution's body appears in a handout.

  static func unscale(_ parameters: [Tensor], _ scale: Double, bug: Bug?) -> Bool {
    let factor = bug == .unscaleTwice ? 1 / (scale * scale) : bug == .multiplyWhenUnscaling ? scale : 1 / scale
    parameters.compactMap(\.grad).forEach { $0.data = $0.data.map { $0 * factor } }
    return hasNonFinite(parameters)
  }

  static func hasNonFinite(_ parameters: [Tensor]) -> Bool {
    parameters.contains { $0.grad?.data.contains { !$0.isFinite } ?? false }
  }

  static func update(_ state: inout LossScale, foundInf: Bool, bug: Bug?) {
    guard bug != .scaleNeverUpdated else { return }
    if foundInf {
      (state.scale, state.growthTracker) = (state.scale * state.backoffFactor, 0)
      return
    }
    let clean = state.growthTracker + 1
    let keepsCounting = bug == .growthWithoutTrackerReset
    let grows = keepsCounting ? clean >= state.growthInterval : clean == state.growthInterval
    if grows { state.scale = state.scale * state.growthFactor }
    state.growthTracker = grows && !keepsCounting ? 0 : clean
  }

  /// The loop, right (`bug` nil) or with one mistake.
  static func train(
    _ model: any Module, _ optimizer: any Optimizer, _ scheduler: LinearWarmup, _ microBatches: [Batch],
    _ accumulationSteps: Int, _ lossFunction: LossFunction, _ maxNorm: Double, _ lossScale: inout LossScale,
    bug: Bug?
  ) throws -> [MixedPrecisionRecord] {
    let clip = GradNormClipper.reference
    let parameters = model.parameters()
    optimizer.zeroGrad()
    var out: [MixedPrecisionRecord] = []
    for first in Swift.stride(from: microBatches.startIndex, to: microBatches.endIndex, by: accumulationSteps) {
      let group = Array(microBatches[first..<Swift.min(microBatches.endIndex, first + accumulationSteps)])
      let samples = Double(group.map(\.count).reduce(0, +))
      // The scale the window started with, even where a bug changes the
      // scaler's state in the middle of the window.
      let used = lossScale.scale
      var mean = 0.0
      var lossFinite = true
      for part in group {
        let share = Double(part.count) / samples
        let partLoss = try lossFunction(model(part.inputs), part.targets)
        let scaled = try partLoss * (share * used)
        try scaled.backward()
        mean += partLoss.item() * share
        lossFinite = lossFinite && scaled.item().isFinite
        switch bug {
        case .unscalePerMicroBatch?: _ = unscale(parameters, used, bug: nil)
        case .scaleUpdatedPerMicroBatch?: update(&lossScale, foundInf: hasNonFinite(parameters), bug: nil)
        case .schedulerPerMicroBatch?: scheduler.step()
        default: break
        }
      }
      var overflow: Bool
      let measured: Double
      switch bug {
      case .clipBeforeUnscale?:
        measured = try clip(parameters, maxNorm: maxNorm)
        overflow = unscale(parameters, used, bug: nil)
      case .infCheckAfterClip?:
        _ = unscale(parameters, used, bug: nil)
        measured = try clip(parameters, maxNorm: maxNorm)
        overflow = parameters.contains { $0.grad?.data.contains { $0.isInfinite } ?? false }
      case .unscalePerMicroBatch?:
        overflow = hasNonFinite(parameters)
        measured = try clip(parameters, maxNorm: maxNorm)
      case .infCheckOnLossOnly?:
        _ = unscale(parameters, used, bug: nil)
        measured = try clip(parameters, maxNorm: maxNorm)
        overflow = !lossFinite
      default:
        overflow = unscale(parameters, used, bug: bug)
        measured = try clip(parameters, maxNorm: maxNorm)
      }
      // Without the check the step is taken, though the overflow was found
      // (and the scale backs off).
      if !overflow || bug == .stepDespiteOverflow { optimizer.step() }
      if bug != .scaleUpdatedPerMicroBatch { update(&lossScale, foundInf: overflow, bug: bug) }
      if !(bug == .noZeroGradAfterSkip && overflow) { optimizer.zeroGrad() }
      if bug != .schedulerPerMicroBatch && (!overflow || bug == .scheduleAdvancedOnSkip) { scheduler.step() }
      out.append(MixedPrecisionRecord(loss: mean, gradNorm: measured, stepped: !overflow, scale: used))
    }
    return out
  }

  /// The outcome of the right loop, or of `bug`'s, in `scenario`.
  static func outcome(_ scenario: MixedPrecisionScenario, bug: Bug? = nil) throws -> MixedPrecisionOutcome {
    try runMixedPrecision(scenario) { model, optimizer, scheduler, batches, lossScale in
      try train(
        model, optimizer, scheduler, batches, scenario.steps, scenario.problem.lossFunction, scenario.maxNorm,
        &lossScale, bug: bug)
    }
  }
}

extension MixedPrecisionOutcome {
  /// How far `self` is from `other`: 0 when bit for bit the same; the
  /// largest relative difference of losses, finite norms, parameters and
  /// learning rates otherwise; infinity when what they did differs (a step
  /// taken or skipped, a scale, a count).
  func distance(to other: MixedPrecisionOutcome, comparingRecords: Bool = true) -> Double {
    guard records.count == other.records.count, learningRates.count == other.learningRates.count,
      lossScale == other.lossScale,
      zip(records, other.records).allSatisfy({ $0.stepped == $1.stepped && $0.scale == $1.scale })
    else { return .infinity }
    var worst = 0.0
    for (a, b) in zip(records, other.records) where comparingRecords {
      if a.gradNorm.isFinite != b.gradNorm.isFinite { return .infinity }
      if a.gradNorm.isFinite { worst = max(worst, relativeDistance([a.gradNorm], [b.gradNorm])) }
      worst = max(worst, relativeDistance([a.loss], [b.loss]))
    }
    if flat(final).contains(where: \.isNaN) != flat(other.final).contains(where: \.isNaN) { return .infinity }
    worst = max(worst, relativeDistance(final, other.final), relativeDistance(learningRates, other.learningRates))
    return worst
  }
}
