import Autograd
import Contract
import Datasets

/// Exercise 4's checks: accumulate, clip once, step — the large batch's
/// clipped step.
enum AccumulationClippingChecks {
  static let seeds: [UInt64] = [21, 22, 23]

  static func judge(_ code: AccumulationClippingCode, _ scenario: AccumulationScenario) throws {
    let run = try runAccumulation(scenario) { model, optimizer, batches, loss in
      _ = try code.train(model, optimizer, batches, scenario.steps, loss, scenario.maxNorm!)
    }
    try judgeAccumulation(run)
  }

  /// The scenario with `maxNorm` set to `fraction` of the first window's
  /// large-batch gradient norm, so clipping is known to be on (< 1) or off (> 1).
  static func clipped(_ scenario: AccumulationScenario, fraction: Double) throws -> AccumulationScenario {
    var scenario = scenario
    let batches = try scenario.problem.microBatches(sizes: scenario.sizes, seed: scenario.seed)
    let first = scenario.windows[0].map { batches[$0] }
    let g = try scenario.problem.largeBatchGradient(at: scenario.problem.initialState, on: first).grad
    scenario.maxNorm = fraction * norm(g)
    return scenario
  }

  static func scenarioCheck(
    _ id: String, _ title: String, fraction: Double = 0.3, _ make: @escaping (UInt64) -> AccumulationScenario
  ) -> Check<AccumulationClippingCode> {
    Check(id, title) { code in
      for seed in seeds { try judge(code, clipped(make(seed), fraction: fraction)) }
    }
  }

  static let all: [Check<AccumulationClippingCode>] = [
    scenarioCheck("window-of-one", "With accumulationSteps 1, each step is an ordinary clipped step") {
      AccumulationScenario(problem: .regression(seed: $0), sizes: [6, 6, 6], steps: 1, seed: $0)
    },
    scenarioCheck("one-window", "One window of 4 micro-batches takes the large batch's clipped step") {
      AccumulationScenario(problem: .regression(seed: $0), sizes: [5, 5, 5, 5], steps: 4, seed: $0)
    },
    scenarioCheck(
      "below-threshold", "When the accumulated norm is under maxNorm, the step is not clipped", fraction: 1.5
    ) {
      AccumulationScenario(problem: .regression(seed: $0), sizes: [5, 5, 5, 5], steps: 4, seed: $0)
    },
    scenarioCheck("several-windows", "Three windows in a row are each clipped once and stepped") {
      AccumulationScenario(problem: .classifier(seed: $0), sizes: Array(repeating: 4, count: 9), steps: 3, seed: $0)
    },
    scenarioCheck("unequal-micro-batches", "Unequal micro-batches are weighted by size before clipping") {
      AccumulationScenario(problem: .regression(seed: $0), sizes: [5, 3, 8, 2, 7, 1], steps: 3, seed: $0)
    },
    scenarioCheck("partial-last-window", "A last, shorter window is stepped and clipped as its own large batch") {
      AccumulationScenario(problem: .classifier(seed: $0), sizes: Array(repeating: 4, count: 10), steps: 4, seed: $0)
    },
    scenarioCheck("recurrent-model", "An exploding RNN accumulated and clipped gives the large batch's step") {
      AccumulationScenario(problem: .recurrent(seed: $0), sizes: [3, 3, 3, 3], steps: 2, seed: $0)
    },
    Check("records", "Each record holds the window's mean loss and its norm before clipping") { code in
      for seed in seeds {
        let scenario = try clipped(
          AccumulationScenario(problem: .regression(seed: seed), sizes: [3, 5, 4, 2, 6], steps: 2, seed: seed),
          fraction: 0.3)
        var records = [StepRecord]()
        let run = try runAccumulation(scenario) { model, optimizer, batches, loss in
          records = try code.train(model, optimizer, batches, scenario.steps, loss, scenario.maxNorm!)
        }
        guard let expected = try windowRecords(along: run) else {
          // Not one step per window: the schedule's own diagnosis says why.
          try judgeAccumulation(run)
          throw Finding("The loop did not take one step per window. [\(scenario.description)]")
        }
        try expectLosses(records.map(\.loss), expected.losses, scenario: scenario)
        let norms = records.map(\.gradNorm)
        if relativeDistance(norms, expected.norms) > 1e-9 {
          // The norm measured after clipping is norm × min(1, maxNorm / (norm + 1e-6)),
          // a hair under maxNorm; min(norm, maxNorm) is the same idea, not measured.
          let measured = expected.norms.map { $0 * Oracle.clipFactor(total: $0, maxNorm: scenario.maxNorm!) }
          let capped = expected.norms.map { min($0, scenario.maxNorm!) }
          if relativeDistance(norms, measured) <= 1e-9 || relativeDistance(norms, capped) <= 1e-9 {
            throw Finding(
              "The records' gradNorm values \(norms.map { fixed($0) }) are the norms after clipping; report the norm "
                + "before clipping, \(expected.norms.map { fixed($0) }). [\(scenario.description)]",
              mistake: .returnsClippedNorm)
          }
          throw Finding(
            "The records' gradNorm values \(norms.map { fixed($0) }) should be the accumulated gradients' norms "
              + "before clipping, \(expected.norms.map { fixed($0) }). [\(scenario.description)]")
        }
      }
    },
    Check("invalid-arguments", "Bad arguments throw invalidArgument before anything is trained") { code in
      try expectRejectedBeforeTraining("trainWithAccumulationAndClipping") { model, batches, loss, steps, maxNorm, _ in
        _ = try code.train(model, SGD(model.parameters(), lr: 0.1), batches, steps, loss, maxNorm)
      }
    },
    Check("training", "Clipping keeps an exploding RNN finite while it trains with accumulation") { code in
      let problem = Problem.recurrent(seed: 7, hidden: 16)
      let batches = try problem.microBatches(sizes: Array(repeating: 8, count: 80), seed: 7)
      let model = problem.makeModel()
      let records = try code.train(model, SGD(model.parameters(), lr: 0.5), batches, 4, problem.lossFunction, 1.0)
      guard records.count == 20, records.allSatisfy({ $0.loss.isFinite && $0.gradNorm.isFinite }),
        records.contains(where: { $0.gradNorm > 1 }), records.last!.loss < records.first!.loss
      else {
        throw Finding(
          "20 clipped steps of an exploding RNN should stay finite, clip at least once and lower the loss; the "
            + "records were \(records.map { "(\(fixed($0.loss, 3)), \(fixed($0.gradNorm, 3)))" }).")
      }
    },
  ]
}
