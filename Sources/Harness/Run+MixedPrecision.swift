import Autograd
import Contract
import Datasets

// Exercise 5: the loss scaler's pieces and the mixed-precision loop.

extension Run {
  /// Gradients of a few shapes, one parameter without any.
  static func scaledParameters(seed: UInt64, gradientScale: Double) -> [Tensor] {
    var rng = SplitMix64(seed: seed)
    let params = [Tensor.randn([3, 4], rng: &rng), Tensor.randn([5], rng: &rng), Tensor.randn([2], rng: &rng)]
    for p in params.prefix(2) { p.grad = Tensor.randn(p.shape, std: gradientScale, rng: &rng) }
    return params
  }

  mutating func unscale(_ spec: UnscaleSpec, code: MixedPrecisionCode) throws {
    let parameters = Self.scaledParameters(seed: spec.seed, gradientScale: spec.gradientScale)
    for entry in spec.entries { parameters[entry.parameter].grad?.data[entry.index] = entry.value }
    defer { observation.gradients = parameters.map { $0.grad?.data } }
    observation.outcome = .returned(.flag(try code.unscaleGradients(parameters, spec.scale)))
  }

  mutating func updateScale(_ spec: ScalerSpec, code: MixedPrecisionCode) throws {
    var state = LossScale(initScale: spec.initScale, growthInterval: spec.growthInterval)
    state.growthTracker = spec.growthTracker
    var seen: [LossScaleState] = []
    defer { observation.outcome = .returned(.scales(seen)) }
    for foundInf in spec.foundInf {
      try code.updateScale(&state, foundInf)
      seen.append(LossScaleState(scale: state.scale, growthTracker: state.growthTracker))
    }
  }

  mutating func mixedPrecision(_ spec: MixedPrecisionSpec, code: MixedPrecisionCode) throws {
    let problem = spec.problem.problem
    let batches = try problem.microBatches(sizes: spec.sizes, seed: spec.seed)
    let model = problem.makeModel()
    if spec.staleGradients { plantStaleGradients(model, seed: spec.seed) }
    let parameters = model.parameters()
    let optimizer = RecordingOptimizer(parameters, lr: spec.learningRate, inner: AdamW(parameters, lr: spec.learningRate), recorder: recorder)
    let scheduler = LinearWarmup(optimizer, warmupSteps: spec.warmupSteps)
    recorder.clear()
    var lossScale = LossScale(
      initScale: try Self.initialScale(spec, problem: problem, batches: batches), growthInterval: spec.growthInterval)
    let loss = recordingLoss(problem.lossFunction, batches: batches, recorder: recorder)
    let clipper = handedClipper()
    let meter = MemoryMeter(budget: try spec.memoryBudget.map { try Self.budget($0, problem: problem, batches: batches) })
    if let budget = meter.budget { observation.measured["budget bytes"] = Double(budget) }
    defer {
      observation.parameters = .full(values(of: model))
      observation.gradients = parameters.map { $0.grad?.data }
      if spec.observesScaler {
        observation.measured["scale after"] = lossScale.scale
        observation.measured["tracker after"] = Double(lossScale.growthTracker)
      }
    }
    let records = try meter.measure {
      try recorder.watchingBackward {
        try autocast(spec.precision.dtype ?? .float32, enabled: spec.precision.dtype != nil) {
          try code.trainWithMixedPrecision(
            model, optimizer, scheduler, batches, spec.accumulationSteps, loss, spec.maxNorm, &lossScale, clipper)
        }
      }
    }
    // Unobserved, the scale is reported as 1 for every window.
    let observed = records.map { record -> MixedPrecisionRecord in
      var record = record
      if !spec.observesScaler { record.scale = 1 }
      return record
    }
    observation.outcome = .returned(.windows(observed))
  }

  /// The scenario's initial scale: given, or the power of two at which the
  /// first window's scaled gradient overflows by a margin (2 to 4 × the
  /// largest half-precision value), divided by the scenario's divisor.
  static func initialScale(_ spec: MixedPrecisionSpec, problem: Problem, batches: [Batch]) throws -> Double {
    switch spec.initialScale {
    case let .value(v): return v
    case let .overflowing(divisor):
      let first = Array(batches.prefix(spec.accumulationSteps))
      let g = try problem.largeBatchGradient(at: problem.initialState, on: first).grad
      let largest = g.flatMap { $0 }.map(abs).max() ?? 1
      return Double(sign: .plus, exponent: Int((Half.greatestFinite / largest).exponent) + 2, significand: 1) / divisor
    }
  }
}
