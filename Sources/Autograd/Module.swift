/// A model: a function of its input with trainable parameters.
///
/// `namedParameters()` must list the parameters in a stable order; clipping,
/// optimizers and the graders all rely on it to line parameters up.
public protocol Module: AnyObject {
  func forward(_ input: Tensor) throws -> Tensor
  /// Every trainable tensor with a readable name, e.g. `"layers.0.weight"`.
  func namedParameters() -> [(name: String, tensor: Tensor)]
  /// Clears the gradients of every parameter (to `nil`, as PyTorch 2 does).
  func zeroGrad()
}

extension Module {
  public func callAsFunction(_ input: Tensor) throws -> Tensor { try forward(input) }

  /// The trainable tensors, in a stable order.
  public func parameters() -> [Tensor] { namedParameters().map(\.tensor) }

  public func zeroGrad() {
    for p in parameters() { p.zeroGrad() }
  }

  /// A copy of every parameter's values, to restore later with
  /// `loadStateDict(_:)` (e.g. to run two training loops from one start).
  public func stateDict() -> [(name: String, values: [Double])] {
    namedParameters().map { ($0.name, $0.tensor.data) }
  }

  public func loadStateDict(_ state: [(name: String, values: [Double])]) {
    let params = namedParameters()
    precondition(
      params.map(\.name) == state.map(\.name),
      "loadStateDict: the state was saved from a model with other parameters")
    for (p, s) in zip(params, state) {
      precondition(p.tensor.count == s.values.count, "loadStateDict: \(p.name) has \(p.tensor.count) values, the state \(s.values.count)")
      p.tensor.data = s.values
    }
  }

  /// The number of trainable scalars.
  public var parameterCount: Int { parameters().reduce(0) { $0 + $1.count } }
}

/// The nonlinearity between layers.
public enum Activation: String, Sendable, CaseIterable {
  case tanh, relu

  func apply(_ x: Tensor) throws -> Tensor {
    switch self {
    case .tanh: return try x.tanh()
    case .relu: return try x.relu()
    }
  }
}
