import Autograd
import Contract
import Datasets
import Foundation

// Exercise 7: the gradient-health lab.

extension Run {
  mutating func gradientHealth(_ spec: HealthSpec, code: GradientHealthCode) throws {
    switch spec {
    case let .adaptiveGradClip(planted, clipping, eps):
      let model = try planted.build()
      try call(model.map(\.tensor)) { try code.adaptiveGradClip($0, clipping, eps) }
    case let .centralize(planted):
      let model = try planted.build()
      try call(model.map(\.tensor)) { try code.centralizeGradients($0) }
    case let .report(spec):
      try report(spec, code: code)
    case let .step(spec):
      try healthStep(spec, code: code)
    case let .training(seed, steps, clipping):
      try healthTraining(seed: seed, steps: steps, clipping: clipping, code: code)
    }
  }

  /// Calls an in-place function on `parameters` and keeps what it left in
  /// their gradients and values.
  private mutating func call(_ parameters: [Tensor], _ body: ([Tensor]) throws -> Void) throws {
    defer {
      observation.gradients = parameters.map { $0.grad?.data }
      observation.parameters = .full(parameters.map(\.data))
    }
    try body(parameters)
    observation.outcome = .returned(.nothing)
  }

  private mutating func report(_ spec: ReportSpec, code: GradientHealthCode) throws {
    let named = try spec.model.build()
    let parameters = named.map(\.tensor)
    for index in spec.zeroValues where parameters.indices.contains(index) {
      parameters[index].data = [Double](repeating: 0, count: parameters[index].count)
    }
    let before = parameters.map { $0.grad?.data }
    let valuesBefore = parameters.map(\.data)
    // What a clipping left, and a plain SGD step at 0.1 with it.
    for (index, p) in parameters.enumerated() {
      guard let grad = p.grad else { continue }
      grad.data = grad.data.map { $0 * spec.clipFactor }
      if !spec.unmoved.contains(index) { p.data = zip(p.data, grad.data).map { $0 - 0.1 * $1 } }
    }
    let handed = spec.oneGradientShort ? Array(before.dropLast()) : before
    observation.outcome = .returned(.reports([try code.gradientReport(named, handed, valuesBefore)]))
  }

  private mutating func healthStep(_ spec: HealthStepSpec, code: GradientHealthCode) throws {
    let fraction: Double
    switch spec.clipping {
    case .none: fraction = 1
    case let .globalNorm(f): fraction = f
    }
    let setup = try StepSetup(StepSpec(problem: spec.problem, threshold: .fractionOfNorm(fraction)))
    let model = setup.problem.makeModel()
    plantStaleGradients(model, seed: spec.problem.seed)
    let parameters = model.parameters()
    let lr = setup.problem.learningRate
    let optimizer = RecordingOptimizer(
      parameters, lr: lr, inner: spec.momentum.map { SGD(parameters, lr: lr, momentum: $0) }, recorder: recorder)
    let loss = recordingLoss(setup.problem.lossFunction, batches: [setup.batch], recorder: recorder)
    defer { observation.parameters = .full(values(of: model)) }
    let clip: GradientHealthCode.Clip
    switch spec.clipping {
    case .none:
      clip = { _ in }
    case .globalNorm:
      observation.measured["maxNorm"] = setup.threshold
      let clipper = handedClipper()
      clip = { try clipper($0, maxNorm: setup.threshold) }
    }
    observation.outcome = .returned(
      .reports([
        try recorder.watchingBackward {
          try code.trainStepWithReport(model, optimizer, setup.batch, loss, spec.centralize, clip)
        }
      ]))
  }

  private mutating func healthTraining(seed: UInt64, steps: Int, clipping: Double, code: GradientHealthCode) throws {
    recorder = Recorder(wholeSteps: false)
    let problem = ProblemSpec.regression(seed: seed).problem
    let batches = try problem.microBatches(sizes: [Int](repeating: 16, count: steps), seed: seed)
    let model = problem.makeModel()
    let parameters = model.parameters()
    let optimizer = RecordingOptimizer(
      parameters, lr: problem.learningRate, inner: SGD(parameters, lr: problem.learningRate, momentum: 0.9),
      recorder: recorder)
    let loss = recordingLoss(problem.lossFunction, batches: batches, recorder: recorder)
    var reports: [GradientReport] = []
    defer {
      observation.parameters = .full(values(of: model))
      observation.outcome = .returned(.reports(reports))
    }
    // The code's own adaptive clipping, on every parameter but the final
    // layer's weight and bias.
    let clip: GradientHealthCode.Clip = { try code.adaptiveGradClip(Array($0.dropLast(2)), clipping, 1e-3) }
    try recorder.watchingBackward {
      for batch in batches {
        reports.append(try code.trainStepWithReport(model, optimizer, batch, loss, true, clip))
      }
    }
  }
}

extension PlantedModel {
  /// The model's named parameters, with the planted gradients.
  func build() throws -> [(name: String, tensor: Tensor)] {
    var rng = SplitMix64(seed: seed)
    let layers = zip(widths, widths.dropFirst()).map { inputs, outputs in
      zeroBiases
        ? Linear(inputs, outputs, weightStd: 1 / Double(inputs).squareRoot(), rng: &rng)
        : Linear(inputs, outputs, rng: &rng)
    }
    let named = layers.enumerated().flatMap { i, layer in
      layer.namedParameters().map { (name: "layers.\(i).\($0.name)", tensor: $0.tensor) }
    }
    var gradients = SplitMix64(seed: seed &+ 0x6AD)
    let (low, high) = (log(sizes.lowerBound), log(sizes.upperBound))
    for (index, (_, p)) in named.enumerated() where !withoutGradient.contains(index) {
      // One size per unit: per column of a weight, one for a bias.
      let units = p.rank >= 2 ? p.shape[p.rank - 1] : 1
      let unitSizes = (0..<units).map { _ in exp(gradients.uniform(low, high)) }
      let values = (0..<p.count).map { i in gradients.normal() * unitSizes[i % units] }
      p.grad = Tensor(values, shape: p.shape)
    }
    for entry in entries where named.indices.contains(entry.parameter) {
      if let grad = named[entry.parameter].tensor.grad, grad.data.indices.contains(entry.index) {
        grad.data[entry.index] = entry.value
      }
    }
    return named
  }
}
