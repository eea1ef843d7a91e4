/// Exercise 2's checks: clip_grad_value_, the step, and the 2-D comparison.
enum ValueClippingChecks {
  static func check(
    _ id: String, _ title: String, function: String = "clipGradValue", tolerance: Double = 0,
    describe: (@Sendable (Evidence.Item) -> String?)? = nil,
    _ scenarios: @escaping @Sendable (_ seeds: Seeds, _ salt: String) -> [Scenario]
  ) -> Check {
    Check(.ex2, id, title, function: function, scenarios: scenarios) { evidence in
      try Verdict.agree(evidence, function: function, tolerance: tolerance, describe: describe)
    }
  }

  /// The 2-D experiment's vectors. The last three are parallel to a
  /// clipped copy, and rounding puts the cosine a hair above 1 in the
  /// usual orders of computing it.
  static let vectors: [(vector: [Double], maxNorm: Double, clipValue: Double)] = [
    ([3.0, 4.0], 1.0, 1.0), ([10, 0.5], 2, 1), ([-6, 2], 1, 0.5), ([0.3, -0.1], 1, 1), ([6, 6], 1, 0.5),
    ([1e-3, 1e-3], 1e-4, 1e-4), ([5, 5], 1, 1),
  ]

  static let all: [Check] = [
    check("clamps-each-entry", "clipGradValue clamps every entry into [−clipValue, clipValue]") { seeds, salt in
      seeds.pick([1, 2, 3, 4], salt: salt).map { .clipGradValue(.random(seed: $0, norm: 8), clipValue: 0.5) }
    },
    check("boundary", "Entries at exactly ±clipValue or inside the range are left as they are") { _, _ in
      [.clipGradValue(.exact([[1, -1, 0.25, 0], [-0.999]]), clipValue: 1)]
    },
    check("missing-gradients", "Parameters without a gradient are skipped") { _, _ in
      [.clipGradValue(.exact([[3, -4], nil, [0.5]]), clipValue: 1)]
    },
    check("non-finite", "±infinity becomes ±clipValue and NaN stays NaN") { _, _ in
      [.clipGradValue(.exact([[.infinity, -.infinity, .nan, 2]]), clipValue: 1)]
    },
    check("zero-clip-value", "clipValue 0 is valid: every entry becomes 0 and NaN stays NaN",
      describe: NormClippingChecks.zeroAccepted) { _, _ in
      [.clipGradValue(.exact([[3, -0.5, .nan], [0.25]]), clipValue: 0),
        .compareClipping(vector: [3, 4], maxNorm: 0, clipValue: 0)]
    },
    check("invalid-arguments", "A negative clipValue throws invalidArgument") { _, _ in
      [.clipGradValue(.exact([[1, 2]]), clipValue: -1)]
    },
    Check(.ex2, "train-step", "trainStep clamps between backward() and step(), and returns the loss",
      function: "trainStep",
      scenarios: { seeds, salt in
        seeds.pick([1, 2, 3], salt: salt).flatMap { seed -> [Scenario] in
          let step = StepSpec(problem: .recurrent(seed: seed), threshold: .fractionOfLargest(0.3))
          return [.trainStep(step), .ownClip(step)]
        }
      },
      judge: { try ClippedStep.judge($0, clipFunction: "clipGradValue") }),
    Check(.ex2, "compare-2d", "compareClipping reports both clipped vectors and their angles to the original",
      function: "compareClipping",
      scenarios: { _, _ in
        vectors.map { .compareClipping(vector: $0.vector, maxNorm: $0.maxNorm, clipValue: $0.clipValue) }
          + [.compareClipping(vector: [1, 2, 3], maxNorm: 1, clipValue: 1)]
      },
      judge: judgeComparison),
    Check(.ex2, "training", "Value-clipped training of an exploding RNN matches the reference run, step by step",
      function: "trainStep",
      scenarios: { seeds, salt in
        [.training(TrainingSpec(seed: seeds.pick([4], salt: salt)[0], steps: 100, threshold: 0.1))]
      },
      judge: { try ClippedStep.judgeTraining($0, call: "trainStep(clipValue: 0.1)") }),
  ]

  /// The clipped vectors to 1e-12; the angles to 1e-5 degrees, since near
  /// 0° acos turns a cosine rounded by 1e-16 into about 1e-6°.
  @Sendable static func judgeComparison(_ evidence: Evidence) throws {
    for item in evidence.items {
      if case let .comparison(got)? = item.student.outcome.returned,
        case let .comparison(want)? = item.answer.expected.outcome.returned,
        Agreement.distance(got.original + got.byNorm + got.byValue, want.original + want.byNorm + want.byValue)
          <= 1e-12,
        abs(got.angleByNormDegrees - want.angleByNormDegrees) <= 1e-5,
        abs(got.angleByValueDegrees - want.angleByValueDegrees) <= 1e-5
      {
        continue
      }
      if Agreement.distance(item.student, item.answer.expected) == 0 { continue }
      throw Verdict.finding(
        Difference.describe(item, function: "compareClipping"), item: item, evidence: evidence,
        function: "compareClipping", tolerance: 1e-12)
    }
  }
}
