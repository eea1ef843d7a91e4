/// Exercise 7's checks: adaptive clipping, centralization, the gradient
/// report and the step that uses them.
enum GradientHealthChecks {
  /// Every number of a call within 1e-10 (relative) of the reference's.
  static let tolerance = 1e-10
  /// A 20-step run may drift a little further in another order of sums.
  static let trainingTolerance = 1e-9

  static func check(
    _ id: String, _ title: String, function: String, tolerance: Double = tolerance,
    _ scenarios: @escaping @Sendable (_ seeds: Seeds, _ salt: String) -> [HealthSpec]
  ) -> Check {
    Check(.ex7, id, title, function: function, scenarios: { seeds, salt in
      scenarios(seeds, salt).map { .gradientHealth($0) }
    }) { evidence in
      try Verdict.agree(evidence, function: function, tolerance: tolerance)
    }
  }

  /// A NaN in the first weight, alone; then an infinity in the first
  /// weight and another in the last bias, where searching forward and
  /// searching backward find different parameters.
  static func nonFinite(seed: UInt64) -> [PlantedModel] {
    [
      PlantedModel(seed: seed, entries: [GradientSpec.Entry(parameter: 0, index: 2, value: .nan)]),
      PlantedModel(
        seed: seed,
        entries: [
          GradientSpec.Entry(parameter: 0, index: 4, value: .infinity),
          GradientSpec.Entry(parameter: 5, index: 1, value: -.infinity),
        ]),
      PlantedModel(
        seed: seed,
        entries: [
          GradientSpec.Entry(parameter: 2, index: 0, value: .nan), GradientSpec.Entry(parameter: 3, index: 3, value: .nan),
          GradientSpec.Entry(parameter: 2, index: 7, value: .infinity),
        ]),
    ]
  }

  static let all: [Check] = [
    check(
      "agc-unit-wise",
      "adaptiveGradClip caps each output unit's gradient (a weight's column, a whole bias) at clipping × ‖W‖",
      function: "adaptiveGradClip"
    ) { seeds, salt in
      zip(seeds.pick([1, 2, 3, 4], salt: salt), [0.1, 0.05, 0.2, 0.02]).map {
        .adaptiveGradClip(PlantedModel(seed: $0), clipping: $1, eps: 1e-3)
      }
    },
    check(
      "agc-small-gradients", "Units whose gradient is within clipping × ‖W‖ are left exactly as they were",
      function: "adaptiveGradClip"
    ) { seeds, salt in
      seeds.pick([5, 6], salt: salt).map {
        .adaptiveGradClip(PlantedModel(seed: $0, sizes: 1e-6...1e-3), clipping: 0.1, eps: 1e-3)
      }
    },
    check(
      "agc-zero-biases", "A zero-initialised bias is capped at clipping × eps, not at 0, so it still trains",
      function: "adaptiveGradClip"
    ) { seeds, salt in
      let picked = seeds.pick([7, 8], salt: salt)
      return [
        .adaptiveGradClip(PlantedModel(seed: picked[0], zeroBiases: true), clipping: 0.1, eps: 1e-3),
        .adaptiveGradClip(PlantedModel(seed: picked[1], zeroBiases: true), clipping: 0.05, eps: 0.01),
      ]
    },
    check(
      "agc-edge-cases", "Parameters without a gradient are skipped, and clipping 0 makes every gradient 0",
      function: "adaptiveGradClip"
    ) { seeds, salt in
      let seed = seeds.pick([9], salt: salt)[0]
      return [
        .adaptiveGradClip(PlantedModel(seed: seed, withoutGradient: [0, 3]), clipping: 0.1, eps: 1e-3),
        .adaptiveGradClip(PlantedModel(seed: seed), clipping: 0, eps: 1e-3),
      ]
    },
    check(
      "agc-invalid-arguments", "A negative or NaN clipping or eps throws invalidArgument", function: "adaptiveGradClip"
    ) { _, _ in
      [(-0.1, 1e-3), (0.1, -1e-3), (.nan, 1e-3)].map {
        .adaptiveGradClip(PlantedModel(seed: 1), clipping: $0.0, eps: $0.1)
      }
    },
    check(
      "gc-weights",
      "centralizeGradients subtracts from each weight gradient its mean over the inputs, one mean per output unit",
      function: "centralizeGradients"
    ) { seeds, salt in
      zip(seeds.pick([1, 2, 3], salt: salt), [[3, 5, 4, 2], [6, 3], [2, 8, 8, 1]]).map {
        .centralize(PlantedModel(seed: $0, widths: $1))
      }
    },
    check(
      "gc-vectors", "Gradients of one dimension (biases) and parameters without a gradient are left alone",
      function: "centralizeGradients"
    ) { seeds, salt in
      seeds.pick([4, 5], salt: salt).map { .centralize(PlantedModel(seed: $0, withoutGradient: [0, 2, 4])) }
    },
    check(
      "report-norms",
      "gradientReport gives each gradient's norm before clipping, the weights' norm, the update ratio and both global norms",
      function: "gradientReport"
    ) { seeds, salt in
      zip(seeds.pick([1, 2, 3], salt: salt), [0.25, 0.5, 0.1]).map {
        .report(ReportSpec(model: PlantedModel(seed: $0), clipFactor: $1))
      }
    },
    check(
      "report-non-finite",
      "NaN and infinite entries are counted, and firstNonFinite is the first bad parameter in backward order",
      function: "gradientReport"
    ) { seeds, salt in
      nonFinite(seed: seeds.pick([4], salt: salt)[0]).map { .report(ReportSpec(model: $0, clipFactor: 0.5)) }
    },
    check(
      "report-edge-cases",
      "No gradient reports 0, an unmoved parameter ratio 0, one moved from zeros ratio ∞; too few gradients throw",
      function: "gradientReport"
    ) { seeds, salt in
      let seed = seeds.pick([5], salt: salt)[0]
      return [
        .report(ReportSpec(model: PlantedModel(seed: seed, withoutGradient: [3]), clipFactor: 0.5)),
        .report(ReportSpec(model: PlantedModel(seed: seed), clipFactor: 0.5, zeroValues: [1], unmoved: [2])),
        .report(ReportSpec(model: PlantedModel(seed: seed), clipFactor: 0.5, oneGradientShort: true)),
      ]
    },
    check(
      "step-order",
      "trainStepWithReport centralizes the gradient, copies it, clips, steps, and reports that step",
      function: "trainStepWithReport"
    ) { seeds, salt in
      seeds.pick([1, 2], salt: salt).flatMap { seed -> [HealthSpec] in
        [
          .step(HealthStepSpec(problem: .regression(seed: seed), centralize: false, clipping: .globalNorm(fraction: 0.25))),
          .step(HealthStepSpec(problem: .regression(seed: seed), centralize: true, clipping: .globalNorm(fraction: 0.25))),
          .step(
            HealthStepSpec(
              problem: .classifier(seed: seed), centralize: true, clipping: .globalNorm(fraction: 0.5), momentum: 0.9)),
          .step(HealthStepSpec(problem: .classifier(seed: seed), centralize: true, clipping: .none)),
        ]
      }
    },
    check(
      "training",
      "Twenty steps with AGC on all but the final layer, centralization and momentum match the reference run",
      function: "trainStepWithReport", tolerance: trainingTolerance
    ) { seeds, salt in
      [.training(seed: seeds.pick([7], salt: salt)[0], steps: 20, clipping: 0.05)]
    },
  ]
}
