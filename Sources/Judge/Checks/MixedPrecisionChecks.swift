/// Exercise 5's checks: the loss scaler's two pieces, then the loop that
/// scales, accumulates, unscales once, clips, steps or skips, and updates.
enum MixedPrecisionChecks {
  static let function = "trainWithMixedPrecision"
  /// Agreement asked of the loop's numbers. Equivalent ways of writing the
  /// scaled loss (`(loss * weight) * scale`, `loss * (weight * scale)`…)
  /// give the same gradients: the scale is a power of two, and the loss
  /// and its own gradient are float32 (Double) under autocast; decisions
  /// (step or skip, the scale) must be the same.
  static let tolerance = 1e-9

  static func pieceCheck(
    _ id: String, _ title: String, function: String,
    _ scenarios: @escaping @Sendable (_ seeds: Seeds, _ salt: String) -> [Scenario]
  ) -> Check {
    Check(.ex5, id, title, function: function, scenarios: scenarios) { evidence in
      try Verdict.agree(evidence, function: function, tolerance: 0)
    }
  }

  /// A loop check: its scenarios, and the pieces' own scenarios, so a loop
  /// that fails because unscaleGradients or updateScale is wrong says so.
  static func loopCheck(
    _ id: String, _ title: String, _ make: @escaping @Sendable (Seeds, String) -> [MixedPrecisionSpec]
  ) -> Check {
    Check(.ex5, id, title, function: function, scenarios: { seeds, salt in
      make(seeds, salt).map { .mixedPrecision($0) } + pieceScenarios
    }) { evidence in
      try judgeLoop(evidence)
    }
  }

  /// One scenario of each piece, run beside every loop check.
  static let pieceScenarios: [Scenario] = [
    .unscaleGradients(UnscaleSpec(seed: 1, gradientScale: 65536, scale: 65536)),
    .unscaleGradients(
      UnscaleSpec(seed: 7, gradientScale: 100, scale: 8, entries: [.init(parameter: 1, index: 2, value: .nan)])),
    .updateScale(ScalerSpec(initScale: 256, growthInterval: 3, foundInf: [false, false, false, false, true])),
  ]

  static func judgeLoop(_ evidence: Evidence) throws {
    let loops = evidence.items.filter { if case .mixedPrecision = $0.scenario { return true } else { return false } }
    let pieces = evidence.items.filter { if case .mixedPrecision = $0.scenario { return false } else { return true } }
    for item in loops where Agreement.distance(item.student, item.answer.expected) > tolerance {
      var words = AccumulationChecks.outOfMemory(function)(item) ?? Difference.describe(item, function: function)
      let known = !Verdict.matches(item, evidence: evidence, tolerance: tolerance).isEmpty
      if !known, let piece = pieces.first(where: { Agreement.distance($0.student, $0.answer.expected) > 0 }) {
        let name: String
        if case .unscaleGradients = piece.scenario { name = "unscaleGradients" } else { name = "updateScale" }
        words = "The loop may be right: your \(name) is not yet ("
          + Difference.describe(piece, function: name).dropLast() + "), and the loop calls it. " + words
      }
      throw Verdict.finding(words, item: item, evidence: evidence, function: function, tolerance: tolerance)
    }
  }

  static func spec(
    _ problem: ProblemSpec, sizes: [Int], steps: Int, seed: UInt64, scale: MixedPrecisionSpec.InitialScale,
    growthInterval: Int, precision: MixedPrecisionSpec.Precision, maxNorm: Double = 0.5, warmupSteps: Int = 3
  ) -> MixedPrecisionSpec {
    MixedPrecisionSpec(
      problem: problem, sizes: sizes, accumulationSteps: steps, seed: seed, maxNorm: maxNorm, initialScale: scale,
      growthInterval: growthInterval, precision: precision, warmupSteps: warmupSteps)
  }

  static let all: [Check] = [
    pieceCheck("unscale", "unscaleGradients divides every gradient by the scale and finds no overflow in finite ones",
      function: "unscaleGradients") { seeds, salt in
      zip(seeds.pick([1, 2, 3], salt: salt), [65536.0, 1024, 0.5]).map {
        .unscaleGradients(UnscaleSpec(seed: $0, gradientScale: $1, scale: $1))
      }
    },
    pieceCheck("unscale-overflow", "unscaleGradients reports an inf or NaN anywhere in any gradient",
      function: "unscaleGradients") { seeds, salt in
      let seed = seeds.pick([7], salt: salt)[0]
      return [(Double.infinity, 0, 0), (-.infinity, 1, 4), (.nan, 1, 2), (.infinity, 1, 4)].map { bad, p, i in
        .unscaleGradients(
          UnscaleSpec(seed: seed, gradientScale: 100, scale: 8, entries: [.init(parameter: p, index: i, value: bad)]))
      }
    },
    pieceCheck("unscale-invalid", "unscaleGradients rejects a scale that is not finite and positive",
      function: "unscaleGradients") { _, _ in
      [0, -2, Double.infinity, .nan].map { .unscaleGradients(UnscaleSpec(seed: 1, gradientScale: 1, scale: $0)) }
    },
    pieceCheck("update-backoff", "updateScale halves the scale on an overflow and resets the growth tracker",
      function: "updateScale") { _, _ in
      [.updateScale(ScalerSpec(initScale: 1024, growthInterval: 4, growthTracker: 3, foundInf: [true]))]
    },
    pieceCheck("update-growth", "updateScale doubles the scale after growthInterval clean steps, then counts from 0",
      function: "updateScale") { _, _ in
      [.updateScale(ScalerSpec(initScale: 256, growthInterval: 3, foundInf: Array(repeating: false, count: 7)))]
    },
    loopCheck("double-equivalence", "With Double gradients and scale 1, each window is exercise 4's step with AdamW") {
      seeds, salt in
      seeds.pick([51, 52], salt: salt).map {
        spec(.regression(seed: $0), sizes: [5, 3, 8, 2, 7], steps: 2, seed: $0, scale: .value(1), growthInterval: 1000,
          precision: .double)
      }
    },
    loopCheck("half-precision", "With float16 gradients and no overflow, the loop matches the reference") {
      seeds, salt in
      seeds.pick([51, 52], salt: salt).map {
        spec(.regression(seed: $0), sizes: Array(repeating: 4, count: 6), steps: 3, seed: $0, scale: .value(256),
          growthInterval: 1000, precision: .float16)
      }
        // Late-training gradients, all below float16's smallest value:
        // only a loss scaled before backward() keeps them.
        + seeds.pick([57], salt: salt).map {
          spec(.confidentClassifier(seed: $0), sizes: Array(repeating: 4, count: 6), steps: 3, seed: $0,
            scale: .value(65536), growthInterval: 1000, precision: .float16)
        }
    },
    loopCheck("bfloat16", "In bfloat16 the loop trains as the reference does, with or without the scaler") {
      seeds, salt in
      // The scaler is not graded here (`MixedPrecisionSpec.observesScaler`).
      seeds.pick([57, 58], salt: salt).map {
        spec(.confidentClassifier(seed: $0), sizes: Array(repeating: 4, count: 6), steps: 3, seed: $0,
          scale: .value(65536), growthInterval: 2, precision: .bfloat16)
      }
    },
    loopCheck("overflow-skips", "A window whose scaled gradients overflow is skipped, and the scale halves") {
      seeds, salt in
      // A warmup longer than the run: a schedule advanced on skipped
      // windows and one advanced per micro-batch end at different rates.
      seeds.pick([51, 52], salt: salt).map {
        spec(.regression(seed: $0), sizes: Array(repeating: 4, count: 8), steps: 2, seed: $0,
          scale: .overflowing(divisor: 1), growthInterval: 1000, precision: .float16, warmupSteps: 8)
      }
    },
    loopCheck("scale-grows", "The scale doubles after growthInterval clean windows") { seeds, salt in
      seeds.pick([53], salt: salt).map {
        spec(.regression(seed: $0), sizes: Array(repeating: 3, count: 12), steps: 2, seed: $0, scale: .value(64),
          growthInterval: 2, precision: .float16)
      }
    },
    loopCheck("schedule", "The warmup schedule advances once per optimizer step taken, never on a skipped one") {
      seeds, salt in
      seeds.pick([54], salt: salt).map {
        spec(.classifier(seed: $0), sizes: Array(repeating: 4, count: 12), steps: 3, seed: $0,
          scale: .overflowing(divisor: 1), growthInterval: 2, precision: .float16, warmupSteps: 4)
      }
    },
    loopCheck("recurrent-model", "An exploding RNN in float16, clipped after unscaling, matches the reference") {
      seeds, salt in
      seeds.pick([55], salt: salt).map {
        spec(.recurrent(seed: $0), sizes: [3, 3, 3, 3, 3, 3], steps: 3, seed: $0, scale: .overflowing(divisor: 8),
          growthInterval: 1000, precision: .float16, maxNorm: 1)
      }
    },
    loopCheck("memory", "Each micro-batch's graph is freed before the next: the window fits in one micro-batch's memory") {
      seeds, salt in
      seeds.pick([56], salt: salt).map {
        var s = spec(.classifier(seed: $0), sizes: [8, 8, 8, 8], steps: 4, seed: $0, scale: .value(256),
          growthInterval: 1000, precision: .float16)
        s.memoryBudget = 1.5
        return s
      }
    },
    Check(.ex5, "invalid-arguments", "Bad arguments throw invalidArgument before anything is trained", function: function,
      scenarios: { _, _ in
        [(0, 1.0), (-1, 1.0), (2, -0.5)].map { steps, maxNorm in
          .mixedPrecision(
            spec(.regression(seed: 1), sizes: [4, 4], steps: steps, seed: 1, scale: .value(65536), growthInterval: 2000,
              precision: .double, maxNorm: maxNorm))
        }
      },
      judge: { try Verdict.agree($0, function: function, tolerance: tolerance, describe: AccumulationChecks.lateRejection(function)) }),
  ]
}
