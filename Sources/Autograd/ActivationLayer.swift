/// An activation as a layer of its own, for `Sequential`: PyTorch's
/// `nn.Tanh()` and `nn.ReLU()`. It has no parameters, and applies the same
/// `Activation` that `MLP` puts between its layers.
///
///     Sequential(Linear(4, 8, rng: &rng), ActivationLayer(.relu), Linear(8, 2, rng: &rng))
public final class ActivationLayer: Module {
  public let activation: Activation

  public init(_ activation: Activation) {
    self.activation = activation
  }

  public func forward(_ input: Tensor) throws -> Tensor {
    try activation.apply(input)
  }

  public func namedParameters() -> [(name: String, tensor: Tensor)] { [] }
}
