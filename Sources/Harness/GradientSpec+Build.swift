import Autograd
import Datasets

extension GradientSpec {
  /// Parameters with the planted gradients, and values that are not 0 so
  /// that changing them shows.
  func build() throws -> [Tensor] {
    let parameters: [Tensor]
    switch source {
    case let .random(seed, target, withoutGrad):
      var rng = SplitMix64(seed: seed)
      let shapes = [[3, 4], [4], [2, 3]]
      var raw = shapes.map { shape in (0..<shape.reduce(1, *)).map { _ in rng.normal() } }
      let current = l2(raw)
      raw = raw.map { $0.map { $0 * target / current } }
      var made = zip(shapes, raw).map { shape, g -> Tensor in
        let p = Tensor.randn(shape, rng: &rng, requiresGrad: true)
        p.grad = Tensor(g, shape: shape)
        return p
      }
      if withoutGrad { made.insert(Tensor.randn([2, 2], rng: &rng, requiresGrad: true), at: 1) }
      parameters = made
    case let .exact(grads):
      parameters = grads.map { g in
        let p = Tensor((0..<(g?.count ?? 2)).map { 0.5 + Double($0) }, requiresGrad: true)
        if let g { p.grad = Tensor(g) }
        return p
      }
    case let .batchGradient(step):
      let setup = try StepSetup(step)
      parameters = setup.gradient.map { g in
        let p = Tensor((0..<g.count).map { 0.5 + Double($0 % 7) }, requiresGrad: true)
        p.grad = Tensor(g)
        return p
      }
    }
    for entry in entries where parameters.indices.contains(entry.parameter) {
      if let grad = parameters[entry.parameter].grad, grad.data.indices.contains(entry.index) {
        grad.data[entry.index] = entry.value
      }
    }
    return parameters
  }
}

/// The L2 norm of the harness's own inputs (the judge never needs it).
func l2(_ values: [[Double]]) -> Double { Snapshot(values, whole: true).norm }

/// A `trainStep` scenario's inputs: the problem, its batch, the batch's
/// gradient at the start and the threshold chosen from it.
struct StepSetup {
  var problem: Problem
  var batch: Batch
  var initial: [[Double]]
  var gradient: [[Double]]
  var threshold: Double

  init(_ spec: StepSpec) throws {
    problem = spec.problem.problem
    batch = try problem.microBatches(sizes: [16], seed: spec.problem.seed)[0]
    initial = problem.initialState
    gradient = try problem.gradient(at: initial, on: batch).grad
    switch spec.threshold {
    case let .fractionOfNorm(f): threshold = f * l2(gradient)
    case let .fractionOfLargest(f): threshold = f * (gradient.flatMap { $0 }.map(abs).max() ?? 1)
    }
  }
}
