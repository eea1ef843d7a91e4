/// Exercise 4's checks: accumulate, clip once, step: the large batch's
/// clipped step.
enum AccumulationClippingChecks {
  static let tolerance = AccumulationChecks.tolerance
  static let function = "trainWithAccumulationAndClipping"

  static func scenarioCheck(
    _ id: String, _ title: String, fraction: Double = 0.3, _ make: @escaping @Sendable (UInt64) -> AccumulationSpec
  ) -> Check {
    Check(.ex4, id, title, function: function, scenarios: { seeds, salt in
      seeds.pick([21, 22, 23], salt: salt).map {
        var spec = make($0)
        spec.maxNorm = .fractionOfFirstWindow(fraction)
        return .accumulation(spec)
      }
    }) { evidence in
      try Verdict.agree(evidence, function: function, tolerance: tolerance)
    }
  }

  static let all: [Check] = [
    scenarioCheck("window-of-one", "With accumulationSteps 1, each step is an ordinary clipped step") {
      AccumulationSpec(problem: .regression(seed: $0), sizes: [6, 6, 6], accumulationSteps: 1, seed: $0)
    },
    scenarioCheck("one-window", "One window of 4 micro-batches takes the large batch's clipped step") {
      AccumulationSpec(problem: .regression(seed: $0), sizes: [5, 5, 5, 5], accumulationSteps: 4, seed: $0)
    },
    scenarioCheck(
      "below-threshold", "When the accumulated norm is under maxNorm, the step is not clipped", fraction: 1.5
    ) {
      AccumulationSpec(problem: .regression(seed: $0), sizes: [5, 5, 5, 5], accumulationSteps: 4, seed: $0)
    },
    scenarioCheck("several-windows", "Three windows in a row are each clipped once and stepped") {
      AccumulationSpec(problem: .classifier(seed: $0), sizes: Array(repeating: 4, count: 9), accumulationSteps: 3, seed: $0)
    },
    scenarioCheck("unequal-micro-batches", "Unequal micro-batches are weighted by size before clipping") {
      AccumulationSpec(problem: .regression(seed: $0), sizes: [5, 3, 8, 2, 7, 1], accumulationSteps: 3, seed: $0)
    },
    scenarioCheck("partial-last-window", "A last, shorter window is stepped and clipped as its own large batch") {
      AccumulationSpec(problem: .classifier(seed: $0), sizes: Array(repeating: 4, count: 10), accumulationSteps: 4, seed: $0)
    },
    scenarioCheck("recurrent-model", "An exploding RNN accumulated and clipped gives the large batch's step") {
      AccumulationSpec(problem: .recurrent(seed: $0), sizes: [3, 3, 3, 3], accumulationSteps: 2, seed: $0)
    },
    scenarioCheck("records", "Each record holds the window's mean loss and its norm before clipping") {
      AccumulationSpec(problem: .regression(seed: $0), sizes: [3, 5, 4, 2, 6], accumulationSteps: 2, seed: $0)
    },
    Check(.ex4, "memory", "Each micro-batch's graph is freed before the next: the window fits in one micro-batch's memory",
      function: function,
      scenarios: { seeds, salt in
        seeds.pick([24, 25], salt: salt).map {
          .accumulation(
            AccumulationSpec(
              problem: .classifier(seed: $0), sizes: [8, 8, 8, 8], accumulationSteps: 4, seed: $0,
              maxNorm: .fractionOfFirstWindow(0.3), memoryBudget: 1.5))
        }
      },
      judge: { try Verdict.agree($0, function: function, tolerance: tolerance, describe: AccumulationChecks.outOfMemory(function)) }),
    Check(.ex4, "invalid-arguments", "Bad arguments throw invalidArgument before anything is trained", function: function,
      scenarios: { _, _ in
        [(0, 1.0), (-1, 1.0), (2, -0.5)].map { steps, maxNorm in
          .accumulation(
            AccumulationSpec(
              problem: .regression(seed: 1), sizes: [4, 4], accumulationSteps: steps, seed: 1, optimizer: .sgd(lr: 0.1),
              maxNorm: .value(maxNorm), staleGradients: false))
        }
      },
      judge: { try Verdict.agree($0, function: function, tolerance: tolerance, describe: AccumulationChecks.lateRejection(function)) }),
    Check(.ex4, "training", "Clipping keeps an exploding RNN finite while it trains with accumulation", function: function,
      scenarios: { seeds, salt in
        let seed = seeds.pick([7], salt: salt)[0]
        return [.accumulation(
          AccumulationSpec(
            problem: .recurrent(seed: seed, hidden: 16), sizes: Array(repeating: 8, count: 80), accumulationSteps: 4,
            seed: seed, optimizer: .sgd(lr: 0.5), maxNorm: .value(1), staleGradients: false, wholeSteps: false))]
      },
      judge: { try AccumulationChecks.judgeTraining($0, function: function) }),
  ]
}
