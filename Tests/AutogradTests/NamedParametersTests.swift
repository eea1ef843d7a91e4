// Every module names its parameters as PyTorch's named_parameters() would,
// in the order parameters() has always listed them: optimizers, clipping
// and the graders line parameters up by that order.

import Autograd
import Testing

/// A module, its expected parameter names and buffer names, and the
/// tensors `parameters()` must list, in order.
struct NamingCase: Sendable, CustomTestStringConvertible {
  let name: String
  let parameterNames: [String]
  var bufferNames: [String] = []
  let build: @Sendable (inout SplitMix64) -> (module: any Module, expected: [Tensor])
  var testDescription: String { name }
}

enum NamingCases {
  static let all: [NamingCase] = [
    NamingCase(name: "Linear", parameterNames: ["weight", "bias"]) { rng in
      let m = Linear(2, 3, rng: &rng)
      return (m, [m.weight, m.bias])
    },
    NamingCase(
      name: "MLP", parameterNames: ["layers.0.weight", "layers.0.bias", "layers.1.weight", "layers.1.bias", "layers.2.weight", "layers.2.bias"]
    ) { rng in
      let m = MLP([2, 3, 3, 1], rng: &rng)
      return (m, m.layers.flatMap { [$0.weight, $0.bias] })
    },
    NamingCase(
      name: "RNN", parameterNames: ["inputWeight", "recurrentWeight", "bias", "readout.weight", "readout.bias"]
    ) { rng in
      let m = RNN(inputSize: 2, hiddenSize: 3, outputSize: 1, rng: &rng)
      return (m, [m.inputWeight, m.recurrentWeight, m.bias, m.readout.weight, m.readout.bias])
    },
    NamingCase(
      name: "BatchNorm1d", parameterNames: ["weight", "bias"],
      bufferNames: ["runningMean", "runningVar", "numBatchesTracked"]
    ) { _ in
      let m = BatchNorm1d(3)
      return (m, [m.weight, m.bias])
    },
    NamingCase(name: "LayerNorm", parameterNames: ["weight", "bias"]) { _ in
      let m = LayerNorm(3)
      return (m, [m.weight, m.bias])
    },
    NamingCase(name: "ActivationLayer", parameterNames: []) { _ in (ActivationLayer(.relu), []) },
    NamingCase(
      name: "Sequential.mlp with BatchNorm1d",
      parameterNames: ["0.weight", "0.bias", "1.weight", "1.bias", "3.weight", "3.bias"],
      bufferNames: ["1.runningMean", "1.runningVar", "1.numBatchesTracked"]
    ) { rng in
      let m = Sequential.mlp([2, 4, 1], norm: .batch, rng: &rng)
      let (l0, n1, l3) = (m.layers[0] as! Linear, m.layers[1] as! BatchNorm1d, m.layers[3] as! Linear)
      return (m, [l0.weight, l0.bias, n1.weight, n1.bias, l3.weight, l3.bias])
    },
    NamingCase(
      name: "Sequential(Linear, LayerNorm): children prefixed by their position",
      parameterNames: ["0.weight", "0.bias", "1.weight", "1.bias"]
    ) { rng in
      let linear = Linear(2, 3, rng: &rng), norm = LayerNorm(3)
      return (Sequential(linear, norm), [linear.weight, linear.bias, norm.weight, norm.bias])
    },
  ]
}

@Suite("Named parameters")
struct NamedParametersTests {
  @Test("names, buffers and parameters() in a stable order", arguments: NamingCases.all)
  func names(_ c: NamingCase) {
    var rng = SplitMix64(seed: 1)
    let (module, expected) = c.build(&rng)
    #expect(module.namedParameters().map(\.name) == c.parameterNames)
    #expect(module.namedBuffers().map(\.name) == c.bufferNames)
    #expect(module.parameters().map(ObjectIdentifier.init) == expected.map(ObjectIdentifier.init))
    #expect(module.namedParameters().map { ObjectIdentifier($0.tensor) } == expected.map(ObjectIdentifier.init))
    #expect(module.stateDict().map(\.name) == c.parameterNames + c.bufferNames)
  }
}
