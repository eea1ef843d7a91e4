import Autograd
import Contract
import Datasets

// Exercise 6: token-weighted accumulation, data-parallel workers, and
// clipping across workers.

extension Run {
  mutating func accumulationLimits(_ scenario: AccumulationLimitsScenario, code: AccumulationLimitsCode) throws {
    switch scenario {
    case let .tokenAccumulation(spec): try tokenAccumulation(spec, code: code)
    case let .dataParallel(spec): try dataParallel(spec, code: code)
    case let .shardedClipping(spec): try shardedClipping(spec, code: code)
    }
  }

  /// The hidden width of the graded scenarios' model: small, so that the
  /// answer data keeping every step's gradient stays small.
  static let tokenHidden = 3

  mutating func tokenAccumulation(_ spec: TokenAccumulationSpec, code: AccumulationLimitsCode) throws {
    let problem = try TokenProblem(seed: spec.seed, sequences: spec.sizes.reduce(0, +), hidden: [Self.tokenHidden])
    let batches = try problem.microBatches(sizes: spec.sizes)
    let model = problem.makeModel()
    if spec.staleGradients { plantStaleGradients(model, seed: spec.seed) }
    let optimizer = RecordingOptimizer(model.parameters(), lr: TokenProblem.learningRate, recorder: recorder)
    let loss = recordingTokenLoss(problem.lossFunction, batches: batches, recorder: recorder)
    defer {
      observation.parameters = .full(values(of: model))
      observation.gradients = model.parameters().map { $0.grad?.data }
    }
    let steps = spec.accumulationSteps
    observation.outcome = .returned(
      .numbers(
        try recorder.watchingBackward {
          try code.trainWithTokenAccumulation(model, optimizer, batches, steps, loss)
        }))
  }

  mutating func dataParallel(_ spec: DataParallelSpec, code: AccumulationLimitsCode) throws {
    // Every worker's step as a digest: W replicas' gradients at every step
    // would make the answer data W times as large as one model's.
    recorder = Recorder(wholeSteps: false)
    let problem = try TokenProblem(
      seed: spec.seed, sequences: spec.sizes.joined().reduce(0, +), hidden: [Self.tokenHidden])
    var workers: [Worker] = []
    var start = 0
    for (rank, sizes) in spec.sizes.enumerated() {
      let model = problem.makeModel()
      if spec.staleGradients { plantStaleGradients(model, seed: spec.seed &+ UInt64(rank)) }
      let optimizer = RecordingOptimizer(model.parameters(), lr: TokenProblem.learningRate, recorder: recorder)
      workers.append(
        Worker(rank: rank, model: model, optimizer: optimizer, microBatches: try problem.microBatches(sizes: sizes, from: start)))
      start += sizes.reduce(0, +)
    }
    let group = ProcessGroup(worldSize: workers.count)
    // Numbered micro-step by micro-step, so a window's micro-batches are
    // consecutive: micro-step 1 of every worker, then micro-step 2, …
    let longest = workers.map(\.microBatches.count).max() ?? 0
    let ordered = (0..<longest).flatMap { step in workers.compactMap { $0.microBatches.indices.contains(step) ? $0.microBatches[step] : nil } }
    let loss = recordingTokenLoss(problem.lossFunction, batches: ordered, recorder: recorder)
    defer {
      observation.parameters = Snapshot(workers.flatMap { values(of: $0.model) }, whole: false)
      observation.gradients = workers.flatMap { $0.model.parameters().map { $0.grad?.data } }
      if spec.countsCommunication { count(group) }
    }
    let steps = spec.accumulationSteps
    try recorder.watchingBackward { try code.trainDataParallel(workers, steps, loss, group) }
    observation.outcome = .returned(.nothing)
  }

  mutating func shardedClipping(_ spec: ShardedClippingSpec, code: AccumulationLimitsCode) throws {
    let (sharded, replicated) = Self.spread(spec)
    let group = ProcessGroup(worldSize: spec.sharded.count)
    defer {
      let all = (sharded + replicated).flatMap { $0 }
      observation.gradients = all.map { $0.grad?.data }
      observation.parameters = .full(all.map(\.data))
      count(group)
    }
    switch spec.clipping {
    case let .norm(maxNorm):
      observation.outcome = .returned(.number(try code.clipGradNormAcrossWorkers(sharded, replicated, maxNorm, group)))
    case let .value(clipValue):
      try code.clipGradValueAcrossWorkers(sharded, replicated, clipValue, group)
      observation.outcome = .returned(.nothing)
    }
  }

  /// What the group carried, for the judge to compare.
  mutating func count(_ group: ProcessGroup) {
    observation.measured[Observation.communicationCounts[0]] = Double(group.gradientAllReduces)
    observation.measured[Observation.communicationCounts[1]] = Double(group.scalarAllReduces)
  }

  /// The whole model's gradient, of norm `spec.norm`, spread over the
  /// workers: each worker's own parameters, then a copy of the replicated
  /// ones for every worker, with equal values and gradients.
  static func spread(_ spec: ShardedClippingSpec) -> (sharded: [[Tensor]], replicated: [[Tensor]]) {
    var rng = SplitMix64(seed: spec.seed)
    let shapes = spec.sharded.flatMap { $0 } + spec.replicated
    var raw = shapes.map { shape in (0..<shape.reduce(1, *)).map { _ in rng.normal() } }
    let scale = spec.norm / l2(raw)
    raw = raw.map { $0.map { $0 * scale } }
    let values = shapes.map { shape in (0..<shape.reduce(1, *)).map { _ in rng.normal() } }
    func parameter(_ index: Int) -> Tensor {
      let p = Tensor(values[index], shape: shapes[index], requiresGrad: true)
      p.grad = Tensor(raw[index], shape: shapes[index])
      return p
    }
    var next = 0
    let sharded = spec.sharded.map { own in
      own.map { _ in
        defer { next += 1 }
        return parameter(next)
      }
    }
    let first = next
    let replicated = spec.sharded.map { _ in spec.replicated.indices.map { parameter(first + $0) } }
    return (sharded, replicated)
  }
}

extension Observation {
  /// The names under `measured` of the all-reduces a scenario counts
  /// (exercise 6's communication), which `Agreement` compares whenever a
  /// run has them: the same numbers with more communication is a
  /// different run.
  public static let communicationCounts = ["gradient all-reduces", "scalar all-reduces"]
}
