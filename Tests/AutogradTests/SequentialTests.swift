// Sequential and its MLP builder with a norm layer between Linear layers:
// gradients through a loss, the same numbers as MLP without a norm, and the
// mode reaching every layer.

import Autograd
import Testing

@Suite("Sequential")
struct SequentialTests {
  @Test("every parameter and the input through softmaxCrossEntropy, for each norm", arguments: [nil] + Sequential.Norm.allCases.map { $0 })
  func gradients(norm: Sequential.Norm?) throws {
    let name = "Sequential.mlp norm \(norm.map(\.rawValue) ?? "none")"
    var rng = SplitMix64(seed: seed(for: name))
    let model = Sequential.mlp([3, 5, 4, 3], activation: .tanh, norm: norm, rng: &rng)
    // Random affine parameters: ones and zeros would hide a misapplied one.
    for (name, p) in model.namedParameters() where name.hasPrefix("1.") || name.hasPrefix("4.") {
      p.data = p.data.map { _ in rng.uniform(0.5, 1.5) }
    }
    let x = Tensor.randn([6, 3], rng: &rng, requiresGrad: true)
    let labels = Tensor([0, 1, 2, 2, 1, 0])
    let named = model.namedParameters()
    try expectGradientsMatch(
      named.map(\.tensor) + [x], names: named.map(\.name) + ["input"], seed: seed(for: name) &+ 1
    ) { _ in try softmaxCrossEntropy(model(x), labels) }
  }

  @Test("without a norm, Sequential.mlp computes what MLP computes from the same seed, bit for bit", arguments: Activation.allCases)
  func sameAsMLP(activation: Activation) throws {
    var rng1 = SplitMix64(seed: 5), rng2 = SplitMix64(seed: 5)
    let mlp = MLP([3, 8, 8, 2], activation: activation, rng: &rng1)
    let sequential = Sequential.mlp([3, 8, 8, 2], activation: activation, rng: &rng2)
    #expect(rng1.state == rng2.state)
    #expect(mlp.parameters().map { bits($0.data) } == sequential.parameters().map { bits($0.data) })
    var rng = SplitMix64(seed: 6)
    let x = Tensor.randn([4, 3], rng: &rng)
    let target = Tensor.randn([4, 2], rng: &rng)
    try mse(mlp(x), target).backward()
    try mse(sequential(x), target).backward()
    #expect(
      try mlp.parameters().map { bits(try #require($0.grad).data) }
        == sequential.parameters().map { bits(try #require($0.grad).data) })
  }

  @Test("the layers: Linear, then norm and activation after each hidden Linear only")
  func layers() {
    var rng = SplitMix64(seed: 1)
    let model = Sequential.mlp([4, 6, 5, 3], norm: .layer, rng: &rng)
    let kinds = model.layers.map { String(describing: type(of: $0)) }
    #expect(kinds == ["Linear", "LayerNorm", "ActivationLayer", "Linear", "LayerNorm", "ActivationLayer", "Linear"])
    let plain = Sequential.mlp([4, 3], norm: .batch, rng: &rng)
    #expect(plain.layers.count == 1)
  }

  @Test("train and eval reach the BatchNorm1d layers inside")
  func modes() throws {
    var rng = SplitMix64(seed: 2)
    let model = Sequential.mlp([2, 4, 4, 1], norm: .batch, rng: &rng)
    let norms = model.layers.compactMap { $0 as? BatchNorm1d }
    #expect(norms.count == 2)
    #expect(model.training && norms.allSatisfy(\.training))
    model.eval()
    #expect(!model.training && norms.allSatisfy { !$0.training })
    // In evaluation mode one sample is fine and the running statistics stay.
    let before = model.stateDict().map(\.values)
    _ = try model(Tensor(rows: [[1, 2]]))
    #expect(model.stateDict().map(\.values) == before)
    model.train()
    #expect(model.training && norms.allSatisfy(\.training))
    _ = try model(Tensor(rows: [[1, 2], [3, 5]]))
    #expect(model.stateDict().map(\.values) != before)
  }
}
