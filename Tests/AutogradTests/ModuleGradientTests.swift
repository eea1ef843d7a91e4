// A central-difference gradient check per module, over every parameter (and
// the input), through the module's own forward pass.

import Autograd
import Testing

struct ModuleCase: Sendable, CustomTestStringConvertible {
  let name: String
  let inputShape: [Int]
  let build: @Sendable (inout SplitMix64) -> any Module
  var testDescription: String { name }
}

enum ModuleCases {
  static let all: [ModuleCase] = [
    ModuleCase(name: "Linear 3→4", inputShape: [5, 3]) { Linear(3, 4, rng: &$0) },
    ModuleCase(name: "Linear 3→2 with N(0, 0.5²) weights", inputShape: [2, 3]) { Linear(3, 2, weightStd: 0.5, rng: &$0) },
    ModuleCase(name: "MLP 3→5→4→2, tanh", inputShape: [4, 3]) { MLP([3, 5, 4, 2], activation: .tanh, rng: &$0) },
    ModuleCase(name: "MLP 3→5→4→2, relu", inputShape: [4, 3]) { MLP([3, 5, 4, 2], activation: .relu, rng: &$0) },
    ModuleCase(name: "RNN T=5, uniform recurrent init", inputShape: [2, 5, 3]) {
      RNN(inputSize: 3, hiddenSize: 4, outputSize: 2, recurrentInit: .uniform, rng: &$0)
    },
    ModuleCase(name: "RNN T=5, orthogonal(gain: 1.5) recurrent init", inputShape: [2, 5, 3]) {
      RNN(inputSize: 3, hiddenSize: 4, outputSize: 2, recurrentInit: .orthogonal(gain: 1.5), rng: &$0)
    },
    ModuleCase(name: "RNN T=5, gaussian(scale: 2) recurrent init, inputStd 0.5", inputShape: [2, 5, 3]) {
      RNN(inputSize: 3, hiddenSize: 4, outputSize: 2, recurrentInit: .gaussian(scale: 2), inputStd: 0.5, rng: &$0)
    },
  ]
}

@Suite("Module gradients match central differences")
struct ModuleGradientTests {
  @Test("every parameter and the input", arguments: ModuleCases.all)
  func everyParameter(_ c: ModuleCase) throws {
    var rng = SplitMix64(seed: seed(for: c.name))
    let model = c.build(&rng)
    let x = Tensor.randn(c.inputShape, rng: &rng, requiresGrad: true)
    let named = model.namedParameters()
    #expect(!named.isEmpty)
    try expectGradientsMatch(
      named.map(\.tensor) + [x], names: named.map(\.name) + ["input"], seed: seed(for: c.name) &+ 1
    ) { _ in try model(x) }
  }

  @Test("every parameter through a loss (RNN + mse, MLP + softmaxCrossEntropy)")
  func throughLosses() throws {
    var rng = SplitMix64(seed: 11)
    let rnn = RNN(inputSize: 2, hiddenSize: 3, outputSize: 2, recurrentInit: .orthogonal(gain: 1.2), rng: &rng)
    let sequence = Tensor.randn([3, 5, 2], rng: &rng)
    let target = Tensor.randn([3, 2], rng: &rng)
    let rnnNamed = rnn.namedParameters()
    try expectGradientsMatch(rnnNamed.map(\.tensor), names: rnnNamed.map(\.name), seed: 12) { _ in
      try mse(rnn(sequence), target)
    }

    let mlp = MLP([2, 6, 6, 3], activation: .tanh, rng: &rng)
    let points = Tensor.randn([5, 2], rng: &rng)
    let labels = Tensor([0, 1, 2, 1, 0])
    let mlpNamed = mlp.namedParameters()
    try expectGradientsMatch(mlpNamed.map(\.tensor), names: mlpNamed.map(\.name), seed: 13) { _ in
      try softmaxCrossEntropy(mlp(points), labels)
    }
  }

  @Test("parameter names and order are stable")
  func parameterNames() {
    var rng = SplitMix64(seed: 1)
    #expect(MLP([2, 3, 1], rng: &rng).namedParameters().map(\.name)
      == ["layers.0.weight", "layers.0.bias", "layers.1.weight", "layers.1.bias"])
    let rnn = RNN(inputSize: 2, hiddenSize: 3, outputSize: 1, rng: &rng)
    #expect(rnn.namedParameters().map(\.name)
      == ["inputWeight", "recurrentWeight", "bias", "readout.weight", "readout.bias"])
    #expect(rnn.parameterCount == 2 * 3 + 3 * 3 + 3 + 3 * 1 + 1)
  }

  @Test("orthogonal(gain:) scales every direction by exactly the gain")
  func orthogonalInit() throws {
    var rng = SplitMix64(seed: 2)
    let rnn = RNN(inputSize: 1, hiddenSize: 5, outputSize: 1, recurrentInit: .orthogonal(gain: 1.5), rng: &rng)
    let w = rnn.recurrentWeight
    let product = try w.transposed().matmul(w).data  // = 2.25 · I
    let identity = (0..<25).map { $0 % 6 == 0 ? 2.25 : 0.0 }
    #expect(isClose(product, identity, tolerance: 1e-12))
  }

  @Test("stateDict and loadStateDict restore the parameters")
  func stateDictRoundTrip() throws {
    var rng = SplitMix64(seed: 3)
    let model = MLP([2, 4, 1], rng: &rng)
    let saved = model.stateDict()
    for p in model.parameters() { p.data = p.data.map { $0 + 1 } }
    model.loadStateDict(saved)
    #expect(model.stateDict().map(\.values) == saved.map(\.values))
  }

  @Test("shape errors name the module and both shapes")
  func moduleShapeErrors() throws {
    var rng = SplitMix64(seed: 4)
    let linear = Linear(3, 2, rng: &rng)
    let e1 = #expect(throws: TensorError.self) { try linear(Tensor.zeros([4, 5])) }
    #expect(e1?.description.contains("Linear") == true)
    #expect(e1?.description.contains("[4, 5]") == true)
    #expect(e1?.description.contains("[3, 2]") == true)
    let rnn = RNN(inputSize: 3, hiddenSize: 2, outputSize: 1, rng: &rng)
    let e2 = #expect(throws: TensorError.self) { try rnn(Tensor.zeros([4, 3])) }
    #expect(e2?.description.contains("RNN") == true)
    #expect(throws: TensorError.self) { try rnn(Tensor.zeros([4, 0, 3])) }
  }
}
