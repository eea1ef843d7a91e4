import Foundation

// Elementwise functions. Where the derivative is cheapest from the output
// (exp, tanh, sigmoid) the backward rule reuses the saved output values:
// those ops work out their type first, so what they save is the output as
// it is held (rounded, under autocast), as PyTorch saves it.

extension Tensor {
  public func square() throws -> Tensor {
    let x = data
    return try Tensor.record(mapValues(x) { $0 * $0 }, shape: shape, op: "square", inputs: [self]) { g in
      [zipValues(g, x) { g, x in 2 * x * g }]
    }
  }

  /// Elementwise power with a constant exponent.
  public func pow(_ exponent: Double) throws -> Tensor {
    let x = data
    return try Tensor.record(mapValues(x) { Foundation.pow($0, exponent) }, shape: shape, op: "pow", inputs: [self]) { g in
      [zipValues(g, x) { g, x in g * exponent * Foundation.pow(x, exponent - 1) }]
    }
  }

  public func exp() throws -> Tensor {
    let type = Autocast.computeType("exp", [self])
    let y = type.round(mapValues(data, Foundation.exp))
    return try Tensor.record(y, shape: shape, op: "exp", inputs: [self], dtype: type) { g in
      [zipValues(g, y, *)]
    }
  }

  /// Natural logarithm; non-positive inputs give -inf or NaN, as in PyTorch.
  public func log() throws -> Tensor {
    let x = data
    return try Tensor.record(mapValues(x, Foundation.log), shape: shape, op: "log", inputs: [self]) { g in
      [zipValues(g, x, /)]
    }
  }

  public func tanh() throws -> Tensor {
    let type = Autocast.computeType("tanh", [self])
    let y = type.round(tanhValues(data))
    return try Tensor.record(y, shape: shape, op: "tanh", inputs: [self], dtype: type) { g in
      [zipValues(g, y) { g, y in g * (1 - y * y) }]
    }
  }

  public func sigmoid() throws -> Tensor {
    // Written as two branches so large |x| never overflows exp.
    let type = Autocast.computeType("sigmoid", [self])
    let y = type.round(
      mapValues(data) { x in x >= 0 ? 1 / (1 + Foundation.exp(-x)) : Foundation.exp(x) / (1 + Foundation.exp(x)) })
    return try Tensor.record(y, shape: shape, op: "sigmoid", inputs: [self], dtype: type) { g in
      [zipValues(g, y) { g, y in g * y * (1 - y) }]
    }
  }

  public func relu() throws -> Tensor {
    let x = data
    return try Tensor.record(mapValues(x) { max($0, 0) }, shape: shape, op: "relu", inputs: [self]) { g in
      // At exactly 0 the derivative is taken as 0 (PyTorch's choice): a unit
      // sitting at the kink passes no gradient.
      [zipValues(g, x) { g, x in x > 0 ? g : 0 }]
    }
  }
}
