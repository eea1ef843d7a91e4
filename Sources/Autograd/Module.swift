/// A model: a function of its input with trainable parameters.
///
/// `namedParameters()` must list the parameters in a stable order; clipping,
/// optimizers and the graders all rely on it to line parameters up.
public protocol Module: AnyObject {
  func forward(_ input: Tensor) throws -> Tensor
  /// Every trainable tensor with a readable name, as PyTorch's
  /// `named_parameters()` gives them: the path of properties that leads to
  /// it, e.g. `"layers.0.weight"`. A module that holds others prefixes
  /// their names with the name it holds them under.
  func namedParameters() -> [(name: String, tensor: Tensor)]
  /// State a module keeps that is not trained, such as BatchNorm1d's
  /// running statistics: PyTorch's `named_buffers()`. Optimizers and
  /// clipping never see buffers; `stateDict()` saves them. None by default.
  func namedBuffers() -> [(name: String, tensor: Tensor)]
  /// Training mode (`true`) or evaluation mode (`false`), PyTorch's
  /// `train(mode)`; a module that holds others passes it on. It changes
  /// only layers that behave differently, such as BatchNorm1d; for the
  /// others (the default) it does nothing.
  func train(_ mode: Bool)
  /// Clears the gradients of every parameter (to `nil`, as PyTorch 2 does).
  func zeroGrad()
}

extension Module {
  public func callAsFunction(_ input: Tensor) throws -> Tensor { try forward(input) }

  public func namedBuffers() -> [(name: String, tensor: Tensor)] { [] }

  public func train(_ mode: Bool) {}

  /// Training mode, PyTorch's `model.train()`.
  public func train() { train(true) }

  /// Evaluation mode, PyTorch's `model.eval()`: BatchNorm1d normalizes with
  /// its running statistics and stops updating them.
  public func eval() { train(false) }

  /// The trainable tensors, in a stable order.
  public func parameters() -> [Tensor] { namedParameters().map(\.tensor) }

  public func zeroGrad() {
    for p in parameters() { p.zeroGrad() }
  }

  /// A copy of every parameter's values, then every buffer's, to restore
  /// later with `loadStateDict(_:)` (e.g. to run two training loops from
  /// one start: a BatchNorm1d's running statistics must start equal too).
  public func stateDict() -> [(name: String, values: [Double])] {
    (namedParameters() + namedBuffers()).map { ($0.name, $0.tensor.data) }
  }

  public func loadStateDict(_ state: [(name: String, values: [Double])]) {
    let params = namedParameters() + namedBuffers()
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

  public func apply(_ x: Tensor) throws -> Tensor {
    switch self {
    case .tanh: return try x.tanh()
    case .relu: return try x.relu()
    }
  }
}
