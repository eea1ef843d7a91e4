/// Exercise 3's checks: the accumulated step must be the large-batch step.
enum AccumulationChecks {
  /// Agreement with the large batch's training asked of every number
  /// (floating-point reordering gives about 1e-15).
  static let tolerance = 1e-10
  static let function = "trainWithAccumulation"

  static func scenarioCheck(
    _ id: String, _ title: String, _ make: @escaping @Sendable (UInt64) -> AccumulationSpec
  ) -> Check {
    Check(.ex3, id, title, function: function, scenarios: { seeds, salt in
      seeds.pick([11, 12, 13], salt: salt).map { .accumulation(make($0)) }
    }) { evidence in
      try Verdict.agree(evidence, function: function, tolerance: tolerance)
    }
  }

  static let all: [Check] = [
    scenarioCheck("window-of-one", "With accumulationSteps 1, every micro-batch is an ordinary step") {
      AccumulationSpec(problem: .regression(seed: $0), sizes: [6, 6, 6], accumulationSteps: 1, seed: $0)
    },
    scenarioCheck("one-window", "One window of 4 equal micro-batches takes the large-batch step") {
      AccumulationSpec(problem: .regression(seed: $0), sizes: [5, 5, 5, 5], accumulationSteps: 4, seed: $0)
    },
    scenarioCheck("several-windows", "Three windows in a row each take their own large-batch step") {
      AccumulationSpec(problem: .classifier(seed: $0), sizes: Array(repeating: 4, count: 9), accumulationSteps: 3, seed: $0)
    },
    scenarioCheck(
      "unequal-micro-batches", "Micro-batches of different sizes weigh every sample as the large batch does"
    ) {
      AccumulationSpec(problem: .regression(seed: $0), sizes: [5, 3, 8, 2, 7, 1], accumulationSteps: 3, seed: $0)
    },
    scenarioCheck("partial-last-window", "A last, shorter window is still stepped, weighted by what it holds") {
      AccumulationSpec(problem: .classifier(seed: $0), sizes: Array(repeating: 4, count: 10), accumulationSteps: 4, seed: $0)
    },
    scenarioCheck(
      "partial-unequal-window", "A shorter last window of unequal micro-batches is also the large-batch step"
    ) {
      AccumulationSpec(problem: .regression(seed: $0), sizes: [4, 6, 2, 5, 3], accumulationSteps: 3, seed: $0)
    },
    scenarioCheck("recurrent-model", "Accumulating an RNN through time gives the large-batch step") {
      AccumulationSpec(problem: .recurrent(seed: $0), sizes: [3, 3, 3, 3], accumulationSteps: 2, seed: $0)
    },
    scenarioCheck("window-losses", "The returned losses are each window's mean loss, one per step") {
      AccumulationSpec(problem: .regression(seed: $0), sizes: [3, 5, 4, 2, 6], accumulationSteps: 2, seed: $0)
    },
    Check(.ex3, "memory", "Each micro-batch's graph is freed before the next: the window fits in one micro-batch's memory",
      function: function,
      scenarios: { seeds, salt in
        seeds.pick([14, 15], salt: salt).map {
          .accumulation(
            AccumulationSpec(
              problem: .classifier(seed: $0), sizes: [8, 8, 8, 8], accumulationSteps: 4, seed: $0, memoryBudget: 1.5))
        }
      },
      judge: { try Verdict.agree($0, function: function, tolerance: tolerance, describe: AccumulationChecks.outOfMemory(function)) }),
    Check(.ex3, "other-optimizers", "Accumulation gives the large-batch training with Adam too, over several steps",
      function: function,
      scenarios: { seeds, salt in
        let seed = seeds.pick([5], salt: salt)[0]
        return [.accumulation(
          AccumulationSpec(
            problem: .classifier(seed: seed), sizes: Array(repeating: 6, count: 8), accumulationSteps: 2, seed: seed,
            optimizer: .adam(lr: 0.01), staleGradients: false))]
      },
      judge: { try Verdict.agree($0, function: function, tolerance: tolerance) }),
    Check(.ex3, "invalid-steps", "accumulationSteps below 1 throws WorkbookError.invalidArgument", function: function,
      scenarios: { _, _ in
        [0, -2].map {
          .accumulation(
            AccumulationSpec(
              problem: .regression(seed: 1), sizes: [4, 4], accumulationSteps: $0, seed: 1, staleGradients: false))
        }
      },
      judge: { try Verdict.agree($0, function: function, tolerance: tolerance, describe: AccumulationChecks.lateRejection(function)) }),
    Check(.ex3, "training", "Training with accumulation lowers the loss as large-batch training does", function: function,
      scenarios: { seeds, salt in
        let seed = seeds.pick([3], salt: salt)[0]
        return [.accumulation(
          AccumulationSpec(
            problem: .classifier(seed: seed), sizes: Array(repeating: 8, count: 60), accumulationSteps: 4, seed: seed,
            optimizer: .sgd(lr: 0.5), staleGradients: false, wholeSteps: false))]
      },
      judge: { try judgeTraining($0, function: function) }),
  ]

  /// A loop that ran out of memory: what that means.
  static func outOfMemory(_ function: String) -> @Sendable (Evidence.Item) -> String? {
    { item in
    guard item.student.outcome.thrown?.kind == .outOfMemory else { return nil }
    let budget = item.student.measured["budget bytes"].map { " (\(Int($0)) bytes, room for about 1.5 micro-batches)" } ?? ""
    return "\(function) ran out of memory under a budget\(budget): \(item.student.outcome.thrown!). The graphs of "
      + "several micro-batches were alive at once, which is what accumulation exists to avoid: call backward() on "
      + "each micro-batch's loss before the next forward pass, so its graph is freed."
    }
  }

  /// Rejected, but only after training had started.
  static func lateRejection(_ function: String) -> @Sendable (Evidence.Item) -> String? {
    { item in
    guard item.student.outcome.thrown?.kind == .invalidArgument, item.answer.expected.outcome.thrown?.kind == .invalidArgument
    else { return nil }
    return "\(function) threw invalidArgument only after training had started: the model's gradients, its "
      + "parameters or the loop's other state had already changed. Check the arguments before the first micro-batch."
    }
  }

  /// A property, not a trajectory: the loop trains. Judged with the run's
  /// losses; a known mistake is still named.
  @Sendable static func judgeTraining(_ evidence: Evidence, function: String) throws {
    guard let item = evidence.items.first else { return }
    let expected: Int
    switch item.answer.expected.outcome.returned {
    case let .numbers(losses)?: expected = losses.count
    case let .records(records)?: expected = records.count
    default: expected = 0
    }
    let losses: [Double]
    switch item.student.outcome.returned {
    case let .numbers(values)?: losses = values
    case let .records(records)?: losses = records.map(\.loss)
    default:
      throw Verdict.finding(
        Difference.describe(item, function: function), item: item, evidence: evidence, function: function,
        tolerance: tolerance)
    }
    let steps = item.student.events.compactMap(\.step).count
    var words: String?
    if losses.count != expected || steps != expected {
      words = "The loop took \(steps) optimizer step(s) and returned \(losses.count) loss(es) "
        + "\(Difference.shortList(losses, digits: 3)); expected \(expected) steps, one per window, and one loss each."
    } else if let first = losses.first, let last = losses.last, !(last.isFinite && last < first) {
      words = "Over its \(steps) optimizer steps the loss did not fall: the returned losses went from "
        + "\(fixed(first, 3)) to \(fixed(last, 3)) \(Difference.shortList(losses, digits: 3))."
    }
    if let words {
      throw Verdict.finding(words, item: item, evidence: evidence, function: function, tolerance: tolerance)
    }
  }
}
