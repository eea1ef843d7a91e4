/// Exercise 1's checks: the global norm, clip_grad_norm_ and the clipped
/// training step.
enum NormClippingChecks {
  /// The p-norms other than 2 and infinity that the checks try.
  static let otherNormTypes: [Double] = [1, 3, 0.5]
  static let allNormTypes: [Double] = [2, .infinity] + otherNormTypes
  /// Gradients with a NaN or an infinity, in the first and a middle place:
  /// Swift's max(x, .nan) keeps x, so a NaN that is not last can vanish.
  static let nonFiniteGradients: [[[Double]?]] = [
    [[1, .nan], [2]], [[.nan, 3], [-2]], [[1, .infinity], [2]], [[-.infinity, 3], [-2]],
  ]
  /// Agreement with PyTorch's clip_grad_norm_ asked of every number.
  static let tolerance = 1e-12

  static func check(
    _ id: String, _ title: String, function: String, tolerance: Double = tolerance,
    describe: (@Sendable (Evidence.Item) -> String?)? = nil,
    _ scenarios: @escaping @Sendable (_ seeds: Seeds, _ salt: String) -> [Scenario]
  ) -> Check {
    Check(.ex1, id, title, function: function, scenarios: scenarios) { evidence in
      try Verdict.agree(evidence, function: function, tolerance: tolerance, describe: describe)
    }
  }

  static let all: [Check] = [
    check("l2-norm", "gradNorm is the L2 norm of all gradients laid end to end", function: "gradNorm") { seeds, salt in
      seeds.pick([1, 2, 3, 4, 5], salt: salt).enumerated().map { i, seed in
        .gradNorm(.random(seed: seed, norm: 1.7 * Double(i + 1)), normType: 2)
      }
    },
    check("infinity-norm", "gradNorm with normType .infinity is the largest |gradient entry|", function: "gradNorm") {
      seeds, salt in seeds.pick([1, 2, 3, 4, 5], salt: salt).map { .gradNorm(.random(seed: $0, norm: 3), normType: .infinity) }
    },
    check("p-norm", "gradNorm with normType 1, 3 or 0.5 is (Σ |g|ᵖ)^(1/p)", function: "gradNorm") { seeds, salt in
      let seed = seeds.pick([8], salt: salt)[0]
      return otherNormTypes.map { .gradNorm(.random(seed: seed, norm: 2), normType: $0) }
    },
    check("missing-gradients", "Parameters without a gradient are skipped, and none at all gives 0", function: "gradNorm") {
      _, _ in [.gradNorm(.exact([nil, nil]), normType: 2), .gradNorm(.exact([]), normType: 2),
        .gradNorm(.exact([[3, 4], nil, [12]]), normType: 2)]
    },
    check("clip-above-threshold", "clipGradNorm scales a gradient above maxNorm down by one common factor",
      function: "clipGradNorm") { seeds, salt in
      seeds.pick([1, 2, 3, 4, 5], salt: salt).enumerated().map { i, seed in
        .clipGradNorm(.random(seed: seed, norm: 10 * Double(i + 1)), maxNorm: 1.5, normType: 2, errorIfNonfinite: false)
      }
    },
    check("clip-below-threshold", "clipGradNorm leaves a gradient below maxNorm unchanged", function: "clipGradNorm") {
      seeds, salt in
      seeds.pick([1, 2, 3, 4, 5], salt: salt).map {
        .clipGradNorm(.random(seed: $0, norm: 0.2), maxNorm: 1, normType: 2, errorIfNonfinite: false)
      }
    },
    check("clip-at-threshold", "clipGradNorm at exactly maxNorm multiplies by maxNorm / (norm + 1e-6)",
      function: "clipGradNorm") { _, _ in
      // The same gradients above the threshold tell apart the mistakes
      // that all leave them alone at it.
      [.clipGradNorm(.exact([[3, 4], [12]]), maxNorm: 13, normType: 2, errorIfNonfinite: false),
        .clipGradNorm(.exact([[3, 4], [12]]), maxNorm: 1, normType: 2, errorIfNonfinite: false)]
    },
    check("matches-pytorch", "clipGradNorm gives PyTorch's clip_grad_norm_ results to 1e-12", function: "clipGradNorm") {
      _, _ in
      PyTorchCases.inputs.map {
        .clipGradNorm(.exact($0.grads), maxNorm: $0.maxNorm, normType: $0.normType, errorIfNonfinite: false)
      }
    },
    check("zero-max-norm", "maxNorm 0 is valid: clipGradNorm makes every gradient 0", function: "clipGradNorm",
      describe: zeroAccepted) { seeds, salt in
      [.clipGradNorm(.random(seed: seeds.pick([7], salt: salt)[0], norm: 3), maxNorm: 0, normType: 2, errorIfNonfinite: false)]
    },
    check("zero-gradient", "clipGradNorm on an all-zero gradient leaves zeros and returns 0", function: "clipGradNorm") {
      _, _ in [.clipGradNorm(.exact([[0, 0, 0], [0]]), maxNorm: 1, normType: 2, errorIfNonfinite: false)]
    },
    check("huge-component", "One huge entry scales every gradient down, keeping the direction", function: "clipGradNorm")
    { seeds, salt in
      let spec = GradientSpec(
        .random(seed: seeds.pick([6], salt: salt)[0], norm: 1, withoutGrad: true),
        entries: [GradientSpec.Entry(parameter: 0, index: 5, value: 1e12)])
      return [.clipGradNorm(spec, maxNorm: 1, normType: 2, errorIfNonfinite: false)]
    },
    check("infinity-norm-clipping", "clipGradNorm with normType .infinity uses the largest entry", function: "clipGradNorm") {
      seeds, salt in
      seeds.pick([1, 2, 3], salt: salt).map {
        .clipGradNorm(.random(seed: $0, norm: 20), maxNorm: 0.5, normType: .infinity, errorIfNonfinite: false)
      }
    },
    check("p-norm-clipping", "clipGradNorm with normType 1, 3 or 0.5 measures with that norm", function: "clipGradNorm") {
      seeds, salt in
      let seed = seeds.pick([9], salt: salt)[0]
      return otherNormTypes.map {
        .clipGradNorm(.random(seed: seed, norm: 20), maxNorm: 1, normType: $0, errorIfNonfinite: false)
      }
    },
    check("non-finite-norm", "A NaN entry makes gradNorm NaN, an infinite one infinite, for every normType",
      function: "gradNorm") { _, _ in
      allNormTypes.flatMap { normType in nonFiniteGradients.map { .gradNorm(.exact($0), normType: normType) } }
    },
    check("non-finite", "A non-finite norm throws before clipping when asked, and clips as PyTorch does otherwise",
      function: "clipGradNorm") { _, _ in
      allNormTypes.flatMap { normType in
        nonFiniteGradients.flatMap { grads in
          [true, false].map {
            .clipGradNorm(.exact(grads), maxNorm: 1, normType: normType, errorIfNonfinite: $0)
          }
        }
      }
    },
    check("invalid-arguments", "A negative maxNorm or a non-positive normType throws invalidArgument",
      function: "clipGradNorm") { _, _ in
      [.clipGradNorm(.exact([[1, 2]]), maxNorm: -1, normType: 2, errorIfNonfinite: false),
        .clipGradNorm(.exact([[1, 2]]), maxNorm: 1, normType: 0, errorIfNonfinite: false),
        .gradNorm(.exact([[1, 2]]), normType: -2)]
    },
    Check(.ex1, "train-step",
      "trainStep clips between backward() and step(), and reports the loss and the norm before clipping",
      function: "trainStep",
      scenarios: { seeds, salt in
        seeds.pick([1, 2, 3], salt: salt).flatMap { seed -> [Scenario] in
          let step = StepSpec(problem: .recurrent(seed: seed), threshold: .fractionOfNorm(0.25))
          return [.trainStep(step), .ownClip(step)]
        }
      },
      judge: { try ClippedStep.judge($0, clipFunction: "clipGradNorm") }),
    Check(.ex1, "training", "Clipped training of an exploding RNN matches the reference run, step by step",
      function: "trainStep",
      scenarios: { seeds, salt in [.training(TrainingSpec(seed: seeds.pick([4], salt: salt)[0], steps: 100, threshold: 1))] },
      judge: { try ClippedStep.judgeTraining($0, call: "trainStep(maxNorm: 1)") }),
  ]

  /// "0 is a valid threshold": what a message says when the code rejects it.
  @Sendable static func zeroAccepted(_ item: Evidence.Item) -> String? {
    guard item.student.outcome.thrown?.kind == .invalidArgument else { return nil }
    return "The code threw invalidArgument (“\(item.student.outcome.thrown!)”) for a threshold of 0. 0 is a valid "
      + "threshold, as in PyTorch: it makes every gradient 0 (NaN stays NaN). Only a negative one is invalid."
  }
}

