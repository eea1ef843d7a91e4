extension Sequential {
  /// The normalization layer `mlp(_:activation:norm:rng:)` puts after each
  /// hidden Linear layer.
  public enum Norm: String, Sendable, CaseIterable {
    /// `BatchNorm1d`: statistics over the batch, so micro-batches change
    /// the result.
    case batch
    /// `LayerNorm`: statistics per sample, so micro-batches do not.
    case layer
  }

  /// A multilayer perceptron as a `Sequential`, optionally with a norm
  /// layer between each hidden Linear layer and its activation (Linear →
  /// norm → activation, the order of the BatchNorm paper), and nothing
  /// after the last Linear layer:
  ///
  ///     Sequential.mlp([4, 16, 3], norm: .batch, rng: &rng)
  ///     // Linear(4, 16), BatchNorm1d(16), ActivationLayer(.tanh), Linear(16, 3)
  ///
  /// The Linear layers are initialised exactly as `MLP`'s, drawing from
  /// `rng` in the same order (norm layers draw nothing), so without a norm
  /// it computes what `MLP(sizes, activation:rng:)` computes from the same
  /// seed, bit for bit, with its parameters in the same order; only the
  /// names differ (`"0.weight"` here, `"layers.0.weight"` there).
  ///
  /// - Parameter sizes: input width, hidden widths, output width.
  public static func mlp(
    _ sizes: [Int], activation: Activation = .tanh, norm: Norm? = nil, rng: inout SplitMix64
  ) -> Sequential {
    precondition(sizes.count >= 2, "Sequential.mlp needs at least an input and an output size, got \(sizes)")
    var layers: [any Module] = []
    for (i, (inSize, outSize)) in zip(sizes, sizes.dropFirst()).enumerated() {
      layers.append(Linear(inSize, outSize, rng: &rng))
      guard i < sizes.count - 2 else { break }
      switch norm {
      case .batch?: layers.append(BatchNorm1d(outSize))
      case .layer?: layers.append(LayerNorm(outSize))
      case nil: break
      }
      layers.append(ActivationLayer(activation))
    }
    return Sequential(layers)
  }
}
