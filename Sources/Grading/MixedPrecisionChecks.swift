import Autograd
import Contract
import Datasets
import Foundation

/// Exercise 5's checks: the loss scaler's two pieces, then the loop that
/// scales, accumulates, unscales once, clips, steps or skips, and updates.
enum MixedPrecisionChecks {
  static let seeds: [UInt64] = [51, 52]

  // MARK: The scaler's pieces

  /// Gradients of a few shapes, one parameter without any.
  static func parameters(seed: UInt64, scale: Double) -> [Tensor] {
    var rng = SplitMix64(seed: seed)
    let params = [Tensor.randn([3, 4], rng: &rng), Tensor.randn([5], rng: &rng), Tensor.randn([2], rng: &rng)]
    for p in params.prefix(2) { p.grad = Tensor.randn(p.shape, std: scale, rng: &rng) }
    return params
  }

  static func checkUnscale(_ code: MixedPrecisionCode) throws {
    for (seed, scale) in [(1 as UInt64, 65536.0), (2, 1024), (3, 0.5)] {
      let params = parameters(seed: seed, scale: scale)
      let before = params.map { $0.grad?.data }
      let call = "unscaleGradients(scale: \(fixed(scale)))"
      let foundInf = try code.unscaleGradients(params, scale)
      let after = params.map { $0.grad?.data }
      if after[2] != nil { throw Finding("\(call) gave a gradient to a parameter that had none; skip those.") }
      let expected = before.prefix(2).map { $0!.map { $0 / scale } }
      let got = after.prefix(2).map { $0 ?? [] }
      if got != expected {
        let multiplied = before.prefix(2).map { $0!.map { $0 * scale } }
        let twice = before.prefix(2).map { $0!.map { $0 / scale / scale } }
        if got == multiplied || got == twice {
          throw Finding(
            "\(call) turned a gradient entry \(fixed(before[0]![0])) into \(fixed(got[0][0])); unscaling divides by "
              + "the scale once, giving \(fixed(expected[0][0])).", mistake: .unscaleWrongWay)
        }
        throw Finding(
          "\(call) left the gradients at \(got.map { $0.prefix(3).map { fixed($0) } }) …; each entry divided by the "
            + "scale is \(expected.map { $0.prefix(3).map { fixed($0) } }) ….")
      }
      if foundInf { throw Finding("\(call) on finite gradients returned true; it should report an overflow only for an inf or NaN.") }
    }
  }

  static func checkOverflowFound(_ code: MixedPrecisionCode) throws {
    for (bad, place) in [(Double.infinity, (0, 0)), (-.infinity, (1, 4)), (.nan, (1, 2)), (.infinity, (1, 4))] {
      let params = parameters(seed: 7, scale: 100)
      params[place.0].grad!.data[place.1] = bad
      let foundInf = try code.unscaleGradients(params, 8)
      guard foundInf else {
        throw Finding(
          "unscaleGradients returned false with \(bad) in parameter \(place.0 + 1)'s gradient at entry \(place.1 + 1); "
            + "an inf or NaN anywhere, in any parameter, means the scaled gradients overflowed: return true.")
      }
    }
  }

  static func checkBackoff(_ code: MixedPrecisionCode) throws {
    var state = LossScale(initScale: 1024, growthInterval: 4)
    state.growthTracker = 3
    try code.updateScale(&state, true)
    guard state.scale == 512, state.growthTracker == 0 else {
      if state.scale == 1024 {
        throw Finding("updateScale(foundInf: true) left the scale at 1024; an overflow halves it (backoffFactor 0.5).",
          mistake: .scaleNeverUpdated)
      }
      throw Finding(
        "After an overflow the scale should be 1024 × 0.5 = 512 and the growth tracker 0; updateScale gave scale "
          + "\(fixed(state.scale)), tracker \(state.growthTracker).")
    }
  }

  static func checkGrowth(_ code: MixedPrecisionCode) throws {
    var state = LossScale(initScale: 256, growthInterval: 3)
    var seen: [(Double, Int)] = []
    for _ in 0..<7 {
      try code.updateScale(&state, false)
      seen.append((state.scale, state.growthTracker))
    }
    let expected: [(Double, Int)] = [(256, 1), (256, 2), (512, 0), (512, 1), (512, 2), (1024, 0), (1024, 1)]
    guard seen.map(\.0) == expected.map(\.0), seen.map(\.1) == expected.map(\.1) else {
      let shown = seen.map { "(\(fixed($0.0)), \($0.1))" }.joined(separator: " ")
      let want = expected.map { "(\(fixed($0.0)), \($0.1))" }.joined(separator: " ")
      // Grown on the third update, but the tracker still counting (so it
      // grows on every later one, or, counted with ==, never again).
      let grewWithoutReset = seen[2].0 == 512 && seen[2].1 != 0
      throw Finding(
        "Seven clean updates with growthInterval 3 from scale 256 gave (scale, tracker) \(shown); expected \(want).",
        mistake: grewWithoutReset ? .growthWithoutTrackerReset : seen.allSatisfy({ $0.0 == 256 }) ? .scaleNeverUpdated : nil)
    }
  }

  /// A loop check's failure, blamed on `unscaleGradients` or `updateScale`
  /// when it is those the loop calls that are wrong.
  static func blamingPieces(_ code: MixedPrecisionCode, _ body: () throws -> Void) throws {
    do {
      try body()
    } catch let finding as Finding {
      for (name, probe) in [("unscaleGradients", checkUnscale), ("unscaleGradients", checkOverflowFound),
        ("updateScale", checkBackoff), ("updateScale", checkGrowth)] as [(String, (MixedPrecisionCode) throws -> Void)]
      {
        do { try probe(code) } catch let piece as Finding {
          throw Finding(
            "The loop may be right: it fails because your \(name) is not yet (\(piece.message)) "
              + finding.message, mistake: piece.mistake ?? finding.mistake)
        } catch { break }
      }
      throw finding
    }
  }

  // MARK: The loop

  /// Grades the student's loop in `scenario` against the answer key; a
  /// difference is named when the run matches a known mistake's.
  static func judge(_ code: MixedPrecisionCode, _ scenario: MixedPrecisionScenario, tolerance: Double) throws {
    let mine = try runMixedPrecision(scenario) { model, optimizer, scheduler, batches, lossScale in
      try code.trainWithMixedPrecision(
        model, optimizer, scheduler, batches, scenario.steps, scenario.problem.lossFunction, scenario.maxNorm,
        &lossScale, .reference)
    }
    let right = try MixedPrecisionOracle.outcome(scenario)
    let distance = mine.distance(to: right)
    if distance <= tolerance { return }
    let context = "[\(scenario.description)]"
    if mine.distance(to: right, comparingRecords: false) <= tolerance {
      throw Finding(
        "Training went as it should, but the records differ: got \(describe(mine.records)), expected "
          + "\(describe(right.records)). Each record holds the window's mean loss, its unscaled norm before "
          + "clipping, whether it stepped and the scale its losses were multiplied by. \(context)")
    }
    for bug in MixedPrecisionOracle.Bug.allCases {
      let wrong = try MixedPrecisionOracle.outcome(scenario, bug: bug)
      // Only a mistake that clearly changes this run can name it: Adam
      // all but undoes some (a gradient scaled by the same factor at every
      // step), and a run that close to the right one could match by chance.
      guard wrong.distance(to: right, comparingRecords: false) > max(tolerance, 1e-6),
        mine.distance(to: wrong, comparingRecords: false) <= max(tolerance, 1e-9)
      else { continue }
      throw Finding("Your run matches what happens when \(bug.explanation). \(context)", mistake: bug.mistake)
    }
    throw Finding("\(difference(mine, right, half: scenario.half)) \(context)")
  }

  static func describe(_ records: [MixedPrecisionRecord]) -> String {
    records.map { "(\(fixed($0.loss, 3)), \(fixed($0.gradNorm, 3)), \($0.stepped ? "stepped" : "skipped"), \(fixed($0.scale)))" }
      .joined(separator: " ")
  }

  /// The first thing that differs, in words.
  static func difference(_ mine: MixedPrecisionOutcome, _ right: MixedPrecisionOutcome, half: Bool) -> String {
    if mine.records.count != right.records.count {
      return "The loop returned \(mine.records.count) records; there were \(right.records.count) windows."
    }
    for (w, (a, b)) in zip(mine.records, right.records).enumerated() {
      if a.stepped != b.stepped {
        return "Window \(w + 1) was \(a.stepped ? "stepped" : "skipped"); it should have been "
          + "\(b.stepped ? "stepped: its gradients were finite" : "skipped: its scaled gradients overflowed")."
      }
      if a.scale != b.scale {
        return "Window \(w + 1) used scale \(fixed(a.scale)); the scaler's rule gives \(fixed(b.scale)) there."
      }
    }
    if mine.learningRates != right.learningRates {
      return "The learning rates of the steps taken were \(mine.learningRates.map { fixed($0, 3) }); the warmup "
        + "schedule, stepped once per step taken, gives \(right.learningRates.map { fixed($0, 3) })."
    }
    if mine.lossScale != right.lossScale {
      return "At the end the scaler held scale \(fixed(mine.lossScale.scale)), tracker \(mine.lossScale.growthTracker); "
        + "expected scale \(fixed(right.lossScale.scale)), tracker \(right.lossScale.growthTracker)."
    }
    let d = relativeDistance(mine.final, right.final)
    return "Every step and skip was right, but the parameters after training differ from the reference's by "
      + "\(sci(d)) (relative): check the loss weights, and that the gradients are unscaled once and clipped "
      + "after unscaling."
      + (half
        ? " In half precision the order of the roundings counts too: one backward() per micro-batch, in order, "
          + "as the contract says (summing a window's losses into one backward() rounds differently)."
        : "")
  }

  /// The scale at which the first window's scaled gradient overflows by
  /// a margin (2 to 4 × 65504), and the next halvings bring it back.
  static func overflowingScale(_ scenario: MixedPrecisionScenario) throws -> Double {
    let batches = try scenario.problem.microBatches(sizes: scenario.sizes, seed: scenario.seed)
    let first = Array(batches.prefix(scenario.steps))
    let g = try scenario.problem.largeBatchGradient(at: scenario.problem.initialState, on: first).grad
    let largest = flat(g).map(abs).max() ?? 1
    return Double(sign: .plus, exponent: Int((Half.greatestFinite / largest).exponent) + 2, significand: 1)
  }

  static func scenario(
    _ problem: Problem, sizes: [Int], steps: Int, seed: UInt64, scale: LossScale, half: Bool, maxNorm: Double = 0.5
  ) -> MixedPrecisionScenario {
    MixedPrecisionScenario(
      problem: problem, sizes: sizes, steps: steps, seed: seed, maxNorm: maxNorm, lossScale: scale, half: half)
  }

  /// The ids of the checks that run the loop.
  static let loopCheckIDs = [
    "double-equivalence", "half-precision", "overflow-skips", "scale-grows", "schedule", "recurrent-model",
  ]

  /// The runs each loop check judges, by check id, and how close to the
  /// answer key they must come (0: bit for bit, as half precision rounds
  /// the same way in both).
  static func loopScenarios(_ id: String) throws -> (scenarios: [MixedPrecisionScenario], tolerance: Double) {
    switch id {
    case "double-equivalence":
      let runs = seeds.map { seed in
        scenario(
          .regression(seed: seed), sizes: [5, 3, 8, 2, 7], steps: 2, seed: seed,
          scale: LossScale(initScale: 1, growthInterval: 1000), half: false)
      }
      return (runs, 1e-12)
    case "half-precision":
      let runs = seeds.map { seed in
        scenario(
          .regression(seed: seed), sizes: [4, 4, 4, 4, 4, 4], steps: 3, seed: seed,
          scale: LossScale(initScale: 256, growthInterval: 1000), half: true)
      }
      return (runs, 0)
    case "overflow-skips":
      let runs = try seeds.map { seed in
        var s = scenario(
          .regression(seed: seed), sizes: Array(repeating: 4, count: 8), steps: 2, seed: seed,
          scale: LossScale(), half: true)
        s.lossScale = LossScale(initScale: try overflowingScale(s), growthInterval: 1000)
        // A warmup longer than the run: a schedule advanced on skipped
        // windows and one advanced per micro-batch end at different rates.
        s.warmupSteps = 8
        return s
      }
      return (runs, 0)
    case "scale-grows":
      let run = scenario(
        .regression(seed: 53), sizes: Array(repeating: 3, count: 12), steps: 2, seed: 53,
        scale: LossScale(initScale: 64, growthInterval: 2), half: true)
      return ([run], 0)
    case "schedule":
      var s = scenario(
        .classifier(seed: 54), sizes: Array(repeating: 4, count: 12), steps: 3, seed: 54, scale: LossScale(),
        half: true)
      s.warmupSteps = 4
      s.lossScale = LossScale(initScale: try overflowingScale(s), growthInterval: 2)
      return ([s], 0)
    case "recurrent-model":
      var s = scenario(
        .recurrent(seed: 55), sizes: [3, 3, 3, 3, 3, 3], steps: 3, seed: 55, scale: LossScale(), half: true,
        maxNorm: 1)
      s.lossScale = LossScale(initScale: try overflowingScale(s) / 8, growthInterval: 1000)
      return ([s], 0)
    default:
      return ([], 0)
    }
  }

  /// Runs loop check `id`: every one of its scenarios judged against the
  /// answer key, a failure blamed on the pieces when they are wrong.
  static func judgeLoop(_ code: MixedPrecisionCode, _ id: String) throws {
    try blamingPieces(code) {
      let (scenarios, tolerance) = try loopScenarios(id)
      for s in scenarios { try judge(code, s, tolerance: tolerance) }
    }
  }

  static let all: [Check<MixedPrecisionCode>] = [
    Check("unscale", "unscaleGradients divides every gradient by the scale and finds no overflow in finite ones") {
      try checkUnscale($0)
    },
    Check("unscale-overflow", "unscaleGradients reports an inf or NaN anywhere in any gradient") {
      try checkOverflowFound($0)
    },
    Check("unscale-invalid", "unscaleGradients rejects a scale that is not finite and positive") { code in
      for scale in [0, -2, Double.infinity, .nan] {
        try expectInvalidArgument("unscaleGradients(scale: \(scale))") {
          _ = try code.unscaleGradients(parameters(seed: 1, scale: 1), scale)
        }
      }
    },
    Check("update-backoff", "updateScale halves the scale on an overflow and resets the growth tracker") {
      try checkBackoff($0)
    },
    Check("update-growth", "updateScale doubles the scale after growthInterval clean steps, then counts from 0") {
      try checkGrowth($0)
    },
    Check("double-equivalence", "With Double gradients and scale 1, each window is exercise 4's step with AdamW") {
      try judgeLoop($0, "double-equivalence")
    },
    Check("half-precision", "With half-precision gradients and no overflow, the loop matches the reference exactly") {
      try judgeLoop($0, "half-precision")
    },
    Check("overflow-skips", "A window whose scaled gradients overflow is skipped, and the scale halves") {
      try judgeLoop($0, "overflow-skips")
    },
    Check("scale-grows", "The scale doubles after growthInterval clean windows") {
      try judgeLoop($0, "scale-grows")
    },
    Check("schedule", "The warmup schedule advances once per optimizer step taken, never on a skipped one") {
      try judgeLoop($0, "schedule")
    },
    Check("recurrent-model", "An exploding RNN in half precision, clipped after unscaling, matches the reference") {
      try judgeLoop($0, "recurrent-model")
    },
    Check("invalid-arguments", "Bad arguments throw invalidArgument before anything is trained") { code in
      try expectRejectedBeforeTraining("trainWithMixedPrecision") { model, batches, loss, steps, maxNorm, untouched in
        let optimizer = AdamW(model.parameters(), lr: 0.01)
        var state = LossScale()
        defer { untouched = state == LossScale() }
        _ = try code.trainWithMixedPrecision(
          model, optimizer, LinearWarmup(optimizer, warmupSteps: 2), batches, steps, loss, maxNorm, &state, .reference)
      }
    },
  ]
}
