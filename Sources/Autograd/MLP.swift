/// A multilayer perceptron: Linear layers with an activation between them
/// (none after the last, so it can feed any loss).
///
///     let model = MLP([2, 64, 64, 3], activation: .tanh, rng: &rng)
public final class MLP: Module {
  public let layers: [Linear]
  public let activation: Activation

  /// - Parameter sizes: input width, hidden widths, output width.
  public init(_ sizes: [Int], activation: Activation = .tanh, rng: inout SplitMix64) {
    precondition(sizes.count >= 2, "MLP needs at least an input and an output size, got \(sizes)")
    var layers: [Linear] = []
    for (inSize, outSize) in zip(sizes, sizes.dropFirst()) {
      layers.append(Linear(inSize, outSize, rng: &rng))
    }
    self.layers = layers
    self.activation = activation
  }

  public func forward(_ input: Tensor) throws -> Tensor {
    var x = input
    for (i, layer) in layers.enumerated() {
      x = try layer(x)
      if i < layers.count - 1 { x = try activation.apply(x) }
    }
    return x
  }

  /// `"layers.0.weight"`, `"layers.0.bias"`, `"layers.1.weight"`, …: the
  /// name PyTorch gives a `layers` ModuleList of Linear layers.
  public func namedParameters() -> [(name: String, tensor: Tensor)] {
    layers.enumerated().flatMap { i, layer in
      layer.namedParameters().map { ("layers.\(i).\($0.name)", $0.tensor) }
    }
  }
}
