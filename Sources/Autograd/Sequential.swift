/// Modules applied one after another, PyTorch's `nn.Sequential`: the output
/// of each is the input of the next.
///
///     let model = Sequential(
///       Linear(2, 64, rng: &rng), BatchNorm1d(64), ActivationLayer(.tanh),
///       Linear(64, 3, rng: &rng))
///
/// Parameters are named by position, as PyTorch names a `Sequential`'s
/// children: `"0.weight"`, `"0.bias"`, `"1.weight"`, … (a layer without
/// parameters, such as an activation, still takes its number). `train(_:)`
/// and `eval()` reach every layer.
public final class Sequential: Module {
  public let layers: [any Module]
  /// The mode last set with `train(_:)`; `true` at first, as in PyTorch.
  public private(set) var training = true

  public init(_ layers: [any Module]) {
    self.layers = layers
  }

  public convenience init(_ layers: any Module...) {
    self.init(layers)
  }

  public func forward(_ input: Tensor) throws -> Tensor {
    try layers.reduce(input) { x, layer in try layer(x) }
  }

  public func namedParameters() -> [(name: String, tensor: Tensor)] {
    prefixed { $0.namedParameters() }
  }

  public func namedBuffers() -> [(name: String, tensor: Tensor)] {
    prefixed { $0.namedBuffers() }
  }

  public func train(_ mode: Bool) {
    training = mode
    for layer in layers { layer.train(mode) }
  }

  /// Each layer's names behind its position, `"2.weight"`.
  private func prefixed(
    _ names: (any Module) -> [(name: String, tensor: Tensor)]
  ) -> [(name: String, tensor: Tensor)] {
    layers.enumerated().flatMap { i, layer in names(layer).map { ("\(i).\($0.name)", $0.tensor) } }
  }
}
