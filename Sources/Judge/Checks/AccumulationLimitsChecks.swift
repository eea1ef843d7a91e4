/// Exercise 6's checks: token-weighted accumulation and data-parallel
/// workers must take the large batch's step, and clipping across workers
/// must be the clipping of all the gradients in one place, each with the
/// communication it needs and no more.
enum AccumulationLimitsChecks {
  /// Agreement asked of every number: the large batch's step to 1e-12,
  /// relative (adding the same token losses in another order gives about
  /// 1e-16).
  static let tolerance = 1e-12

  static let tokenFunction = "trainWithTokenAccumulation"
  static let workersFunction = "trainDataParallel"
  static let normFunction = "clipGradNormAcrossWorkers"
  static let valueFunction = "clipGradValueAcrossWorkers"

  /// A check of `function` on scenarios made from its seeds.
  static func check(
    _ id: String, _ title: String, function: String, seeds fixed: [UInt64],
    _ make: @escaping @Sendable (UInt64) -> AccumulationLimitsScenario
  ) -> Check {
    Check(.ex6, id, title, function: function, scenarios: { seeds, salt in
      seeds.pick(fixed, salt: salt).map { .accumulationLimits(make($0)) }
    }) { evidence in
      try Verdict.agree(evidence, function: function, tolerance: tolerance, describe: communication(function))
    }
  }

  static func tokens(_ id: String, _ title: String, _ make: @escaping @Sendable (UInt64) -> TokenAccumulationSpec)
    -> Check
  {
    check(id, title, function: tokenFunction, seeds: [61, 62, 63]) { .tokenAccumulation(make($0)) }
  }

  static func workers(_ id: String, _ title: String, _ make: @escaping @Sendable (UInt64) -> DataParallelSpec)
    -> Check
  {
    check(id, title, function: workersFunction, seeds: [64, 65]) { .dataParallel(make($0)) }
  }

  static func clipping(
    _ id: String, _ title: String, function: String, _ make: @escaping @Sendable (UInt64) -> ShardedClippingSpec
  ) -> Check {
    check(id, title, function: function, seeds: [71, 72]) { .shardedClipping(make($0)) }
  }

  /// A check of arguments that must be refused before anything changes.
  static func invalid(_ id: String, _ title: String, function: String, _ scenarios: [AccumulationLimitsScenario])
    -> Check
  {
    Check(.ex6, id, title, function: function, scenarios: { _, _ in scenarios.map { .accumulationLimits($0) } }) {
      try Verdict.agree(
        $0, function: function, tolerance: tolerance, describe: AccumulationChecks.lateRejection(function))
    }
  }

  /// The shards of three workers, and two parameters every worker holds.
  static let shards: [[[Int]]] = [[[3, 4], [5]], [[6]], [[2, 3], [4]]]
  static let replicas: [[Int]] = [[4], [3]]

  static let all: [Check] = [
    // Token-weighted accumulation.
    tokens("token-one-window", "One window of padded micro-batches takes the large batch's step, each token once") {
      TokenAccumulationSpec(seed: $0, sizes: [3, 1, 4, 2], accumulationSteps: 4)
    },
    tokens("token-unequal-tokens", "Micro-batches of very different token counts weigh every token alike") {
      TokenAccumulationSpec(seed: $0, sizes: [1, 5, 2, 6, 1, 3], accumulationSteps: 3)
    },
    tokens("token-short-last-window", "A last, shorter window is stepped, its tokens counted in it alone") {
      TokenAccumulationSpec(seed: $0, sizes: [2, 3, 1, 2, 4], accumulationSteps: 2)
    },
    tokens("token-window-of-one", "With accumulationSteps 1, each micro-batch is a step on its own tokens") {
      TokenAccumulationSpec(seed: $0, sizes: [2, 4, 1], accumulationSteps: 1)
    },
    tokens("token-losses", "The returned losses are each window's mean loss over its real tokens") {
      TokenAccumulationSpec(seed: $0, sizes: [3, 2, 2, 4, 1], accumulationSteps: 2)
    },
    invalid(
      "token-invalid-steps", "accumulationSteps below 1 throws invalidArgument before anything is trained",
      function: tokenFunction,
      [0, -1].map { .tokenAccumulation(TokenAccumulationSpec(seed: 1, sizes: [2, 2], accumulationSteps: $0)) }),
    // Data-parallel workers.
    workers("workers-large-batch", "Two workers of 3 micro-steps each take the large batch's step over both") {
      DataParallelSpec(seed: $0, sizes: [[2, 1, 3], [1, 3, 2]], accumulationSteps: 3)
    },
    workers("workers-unequal-tokens", "Workers with different numbers of tokens weigh every token of every worker alike") {
      DataParallelSpec(seed: $0, sizes: [[1, 1], [4, 3], [2, 5]], accumulationSteps: 2)
    },
    workers("workers-several-windows", "Several windows, the last one shorter, each take the large batch's step") {
      DataParallelSpec(seed: $0, sizes: [[2, 1, 2, 1, 3], [1, 2, 2, 3, 1]], accumulationSteps: 2)
    },
    Check(
      .ex6, "workers-communication",
      "Gradients are all-reduced once per optimizer step (no_sync on the other micro-steps), the token count once",
      function: workersFunction,
      scenarios: { seeds, salt in
        // Windows of 2 and of 3 micro-steps: one sync too many and a sync
        // after every micro-step are the same in the first, not the second.
        seeds.pick([64, 65], salt: salt).flatMap { seed in
          [
            DataParallelSpec(
              seed: seed, sizes: [[2, 1, 2, 1, 3], [1, 2, 2, 3, 1], [2, 2, 1, 1, 2]], accumulationSteps: 2,
              countsCommunication: true),
            DataParallelSpec(
              seed: seed, sizes: [[1, 2, 2, 1], [2, 1, 3, 1]], accumulationSteps: 3, countsCommunication: true),
          ].map { .accumulationLimits(.dataParallel($0)) }
        }
      },
      judge: {
        try Verdict.agree($0, function: workersFunction, tolerance: tolerance, describe: communication(workersFunction))
      }),
    invalid(
      "workers-invalid", "Bad arguments throw invalidArgument before anything is trained", function: workersFunction,
      [
        .dataParallel(DataParallelSpec(seed: 1, sizes: [[2, 2], [2, 2]], accumulationSteps: 0)),
        .dataParallel(DataParallelSpec(seed: 1, sizes: [[2, 2], [2]], accumulationSteps: 2)),
      ]),
    // Clipping across workers.
    clipping(
      "clip-norm-across-workers", "The global norm: each worker's sum of squares, all-reduced once, then the root",
      function: normFunction
    ) {
      ShardedClippingSpec(seed: $0, sharded: shards, replicated: replicas, norm: 5, clipping: .norm(maxNorm: 1))
    },
    clipping(
      "clip-norm-below-threshold", "Under maxNorm nothing changes, and the global norm is still returned",
      function: normFunction
    ) {
      ShardedClippingSpec(seed: $0, sharded: shards, replicated: replicas, norm: 2, clipping: .norm(maxNorm: 3))
    },
    clipping(
      "clip-norm-replicated", "A gradient every worker holds whole counts once, however many workers hold it",
      function: normFunction
    ) {
      ShardedClippingSpec(
        seed: $0, sharded: [[[2]], [[3]], [[2]], [[1, 2]]], replicated: [[8], [6, 2]], norm: 4,
        clipping: .norm(maxNorm: 1.5))
    },
    clipping(
      "clip-value-across-workers", "Clipping by value needs no communication: each worker clamps its own entries",
      function: valueFunction
    ) {
      ShardedClippingSpec(seed: $0, sharded: shards, replicated: replicas, norm: 5, clipping: .value(clipValue: 0.3))
    },
    invalid(
      "clip-norm-invalid", "A negative maxNorm throws invalidArgument before any gradient changes",
      function: normFunction,
      [.shardedClipping(ShardedClippingSpec(seed: 1, sharded: shards, replicated: replicas, norm: 5, clipping: .norm(maxNorm: -1)))]),
    invalid(
      "clip-value-invalid", "A negative clipValue throws invalidArgument before any gradient changes",
      function: valueFunction,
      [
        .shardedClipping(
          ShardedClippingSpec(seed: 1, sharded: shards, replicated: replicas, norm: 5, clipping: .value(clipValue: -1)))
      ]),
  ]

  /// A run whose numbers are right and whose communication is not: what
  /// the all-reduces were, what they should be, and what that costs.
  static func communication(_ function: String) -> @Sendable (Evidence.Item) -> String? {
    { item in
      let got = counts(item.student), want = counts(item.answer.expected)
      guard got.count == 2, want.count == 2, got != want else { return nil }
      var numbers = item.student, expected = item.answer.expected
      numbers.measured = [:]
      expected.measured = [:]
      guard Agreement.distance(numbers, expected) <= tolerance else { return nil }
      let said = "\(function) all-reduced gradients \(Int(got[0])) time(s) and single numbers \(Int(got[1])) time(s); "
        + "expected \(Int(want[0])) and \(Int(want[1]))"
      switch function {
      case workersFunction:
        let cost =
          got[0] > want[0]
          ? " The numbers are right: the extra all-reduces cost only time, each one moving a whole gradient "
            + "between the workers. The micro-steps before a window's last need none (DDP's no_sync)."
          : got[1] < want[1]
            ? " A worker reads only its own micro-batches: the window's token count over all workers must reach it "
              + "through the process group."
            : ""
        return said + ": one gradient all-reduce per optimizer step, after the window's last micro-step, and one "
          + "all-reduce of the token counts." + cost
      case normFunction:
        return said + ": one all-reduce of the workers' sums of squares, and no gradient moves."
      default:
        return said + ": clipping by value needs no communication at all."
      }
    }
  }

  static func counts(_ observation: Observation) -> [Double] {
    Observation.communicationCounts.compactMap { observation.measured[$0] }
  }
}
