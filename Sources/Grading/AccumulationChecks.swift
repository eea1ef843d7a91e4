import Autograd
import Contract
import Datasets

/// Exercise 3's checks: the accumulated step must be the large-batch step.
enum AccumulationChecks {
  static let seeds: [UInt64] = [11, 12, 13]

  /// Runs `trainWithAccumulation` in `scenario` and judges it.
  static func judge(_ code: AccumulationCode, _ scenario: AccumulationScenario) throws {
    let run = try runAccumulation(scenario) { model, optimizer, batches, loss in
      _ = try code.trainWithAccumulation(model, optimizer, batches, scenario.steps, loss)
    }
    try judgeAccumulation(run)
  }

  static func scenarioCheck(_ id: String, _ title: String, _ make: @escaping (UInt64) -> AccumulationScenario)
    -> Check<AccumulationCode>
  {
    Check(id, title) { code in
      for seed in seeds { try judge(code, make(seed)) }
    }
  }

  static let all: [Check<AccumulationCode>] = [
    scenarioCheck("window-of-one", "With accumulationSteps 1, every micro-batch is an ordinary step") {
      AccumulationScenario(problem: .regression(seed: $0), sizes: [6, 6, 6], steps: 1, seed: $0)
    },
    scenarioCheck("one-window", "One window of 4 equal micro-batches takes the large-batch step") {
      AccumulationScenario(problem: .regression(seed: $0), sizes: [5, 5, 5, 5], steps: 4, seed: $0)
    },
    scenarioCheck("several-windows", "Three windows in a row each take their own large-batch step") {
      AccumulationScenario(problem: .classifier(seed: $0), sizes: Array(repeating: 4, count: 9), steps: 3, seed: $0)
    },
    scenarioCheck(
      "unequal-micro-batches", "Micro-batches of different sizes weigh every sample as the large batch does"
    ) {
      AccumulationScenario(problem: .regression(seed: $0), sizes: [5, 3, 8, 2, 7, 1], steps: 3, seed: $0)
    },
    scenarioCheck("partial-last-window", "A last, shorter window is still stepped, weighted by what it holds") {
      AccumulationScenario(problem: .classifier(seed: $0), sizes: Array(repeating: 4, count: 10), steps: 4, seed: $0)
    },
    scenarioCheck(
      "partial-unequal-window", "A shorter last window of unequal micro-batches is also the large-batch step"
    ) {
      AccumulationScenario(problem: .regression(seed: $0), sizes: [4, 6, 2, 5, 3], steps: 3, seed: $0)
    },
    scenarioCheck("recurrent-model", "Accumulating an RNN through time gives the large-batch step") {
      AccumulationScenario(problem: .recurrent(seed: $0), sizes: [3, 3, 3, 3], steps: 2, seed: $0)
    },
    Check("window-losses", "The returned losses are each window's mean loss, one per step") { code in
      for seed in seeds {
        let scenario = AccumulationScenario(
          problem: .regression(seed: seed), sizes: [3, 5, 4, 2, 6], steps: 2, seed: seed)
        var returned: [Double] = []
        let run = try runAccumulation(scenario) { model, optimizer, batches, loss in
          returned = try code.trainWithAccumulation(model, optimizer, batches, scenario.steps, loss)
        }
        let expected = try expectedTrajectory(scenario, batches: run.batches).losses
        try expectLosses(returned, expected, scenario: scenario)
      }
    },
    Check("other-optimizers", "Accumulation gives the large-batch training with Adam too, over several steps") {
      code in
      let problem = Problem.classifier(seed: 5)
      let batches = try problem.microBatches(sizes: Array(repeating: 6, count: 8), seed: 5)
      let student = problem.makeModel(), reference = problem.makeModel()
      _ = try code.trainWithAccumulation(
        student, Adam(student.parameters(), lr: 0.01), batches, 2, problem.lossFunction)
      let adam = Adam(reference.parameters(), lr: 0.01)
      for start in stride(from: 0, to: batches.count, by: 2) {
        adam.zeroGrad()
        try problem.lossFunction(reference(try Batch.concatenated(Array(batches[start..<start + 2])).inputs),
          try Batch.concatenated(Array(batches[start..<start + 2])).targets).backward()
        adam.step()
      }
      let distance = relativeDistance(values(of: student), values(of: reference))
      guard distance <= equivalenceTolerance else {
        throw Finding(
          "With Adam, 4 accumulated steps end \(sci(distance)) (relative) away from 4 large-batch steps "
            + "(allowed \(sci(equivalenceTolerance))). Adam divides by the gradient's own size, so a wrongly "
            + "scaled gradient shows only faintly here: if another check fails, it names the cause. If none does, "
            + "make sure the loop changes parameters only through optimizer.step().")
      }
    },
    Check("invalid-steps", "accumulationSteps below 1 throws WorkbookError.invalidArgument") { code in
      let problem = Problem.regression(seed: 1)
      let batches = try problem.microBatches(sizes: [4, 4], seed: 1)
      for steps in [0, -2] {
        let model = problem.makeModel()
        try expectInvalidArgument("trainWithAccumulation(accumulationSteps: \(steps))") {
          _ = try code.trainWithAccumulation(model, SGD(model.parameters(), lr: 0.1), batches, steps, problem.lossFunction)
        }
      }
    },
    Check("training", "Training with accumulation lowers the loss as large-batch training does") { code in
      let problem = Problem.classifier(seed: 3)
      let batches = try problem.microBatches(sizes: Array(repeating: 8, count: 60), seed: 3)
      let model = problem.makeModel()
      let losses = try code.trainWithAccumulation(model, SGD(model.parameters(), lr: 0.5), batches, 4, problem.lossFunction)
      guard losses.count == 15, let first = losses.first, let last = losses.last, last.isFinite, last < first else {
        throw Finding(
          "15 accumulated steps on spirals should lower the loss; the returned losses were "
            + "\(losses.map { fixed($0, 3) }).")
      }
    },
  ]
}

/// Losses returned per step must be each window's mean loss.
func expectLosses(_ returned: [Double], _ expected: [Double], scenario: AccumulationScenario) throws {
  guard returned.count == expected.count else {
    throw Finding(
      "The function returned \(returned.count) losses; there were \(expected.count) optimizer steps, and one loss per step is expected. [\(scenario.description)]")
  }
  let distance = relativeDistance(returned, expected)
  guard distance <= 1e-9 else {
    throw Finding(
      "The returned losses \(returned.map { fixed($0, 5) }) are not the windows' mean losses "
        + "\(expected.map { fixed($0, 5) }): weight each micro-batch's loss by its share of the window's samples, as "
        + "for the gradient. [\(scenario.description)]")
  }
}

/// `body` must throw `WorkbookError.invalidArgument`.
func expectInvalidArgument(_ call: String, _ body: () throws -> Void) throws {
  do {
    try body()
  } catch WorkbookError.invalidArgument {
    return
  } catch let error as WorkbookError {
    if case .notImplemented = error { throw error }
    throw Finding("\(call) threw \(error); it should throw WorkbookError.invalidArgument saying what is wrong.")
  } catch {
    throw Finding("\(call) threw \(error); it should throw WorkbookError.invalidArgument saying what is wrong.")
  }
  throw Finding("\(call) returned normally; bad input should throw WorkbookError.invalidArgument, never give a silent wrong number.")
}
