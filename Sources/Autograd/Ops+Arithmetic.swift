// Elementwise arithmetic with NumPy broadcasting. Each operation computes
// its output, then states its local derivative right beside it; a broadcast
// operand's gradient is summed back to its own shape.
//
// The backward closures capture the operands' shapes, values and flags, never
// the operand tensors themselves: a captured tensor would defeat Node's
// iterative deinit, and dropping a 10,000-step chain would recurse and
// overflow the stack.

extension Tensor {
  /// The shared shape of two operands, or an error naming the op and both.
  private static func broadcastOrThrow(_ op: String, _ a: Tensor, _ b: Tensor) throws -> [Int] {
    guard let shape = broadcastShape(a.shape, b.shape) else {
      throw TensorError.shapeMismatch(
        op: op, lhs: a.shape, rhs: b.shape,
        detail: "sizes must match or be 1 on every axis, aligned from the right")
    }
    return shape
  }

  public static func + (a: Tensor, b: Tensor) throws -> Tensor {
    let shape = try broadcastOrThrow("add", a, b)
    let x = expand(a.data, from: a.shape, to: shape), y = expand(b.data, from: b.shape, to: shape)
    let aShape = a.shape, bShape = b.shape
    return try record(zipValues(x, y, +), shape: shape, op: "add", inputs: [a, b]) { g in
      // d(a+b)/da = d(a+b)/db = 1
      [reduceToShape(g, from: shape, to: aShape), reduceToShape(g, from: shape, to: bShape)]
    }
  }

  public static func - (a: Tensor, b: Tensor) throws -> Tensor {
    let shape = try broadcastOrThrow("sub", a, b)
    let x = expand(a.data, from: a.shape, to: shape), y = expand(b.data, from: b.shape, to: shape)
    let aShape = a.shape, bShape = b.shape
    return try record(zipValues(x, y, -), shape: shape, op: "sub", inputs: [a, b]) { g in
      // d(a-b)/da = 1, d(a-b)/db = -1
      [reduceToShape(g, from: shape, to: aShape), reduceToShape(mapValues(g, -), from: shape, to: bShape)]
    }
  }

  public static func * (a: Tensor, b: Tensor) throws -> Tensor {
    let shape = try broadcastOrThrow("mul", a, b)
    let x = expand(a.data, from: a.shape, to: shape), y = expand(b.data, from: b.shape, to: shape)
    let aShape = a.shape, bShape = b.shape, aNeedsGrad = a.requiresGrad, bNeedsGrad = b.requiresGrad
    return try record(zipValues(x, y, *), shape: shape, op: "mul", inputs: [a, b]) { g in
      // d(ab)/da = b, d(ab)/db = a
      [
        aNeedsGrad ? reduceToShape(zipValues(g, y, *), from: shape, to: aShape) : nil,
        bNeedsGrad ? reduceToShape(zipValues(g, x, *), from: shape, to: bShape) : nil,
      ]
    }
  }

  public static func / (a: Tensor, b: Tensor) throws -> Tensor {
    let shape = try broadcastOrThrow("div", a, b)
    let x = expand(a.data, from: a.shape, to: shape), y = expand(b.data, from: b.shape, to: shape)
    let aShape = a.shape, bShape = b.shape, aNeedsGrad = a.requiresGrad, bNeedsGrad = b.requiresGrad
    return try record(zipValues(x, y, /), shape: shape, op: "div", inputs: [a, b]) { g in
      // d(a/b)/da = 1/b, d(a/b)/db = -a/b²
      [
        aNeedsGrad ? reduceToShape(zipValues(g, y, /), from: shape, to: aShape) : nil,
        bNeedsGrad ? reduceToShape(zipValues(g, x, y) { g, x, y in -g * x / (y * y) }, from: shape, to: bShape) : nil,
      ]
    }
  }

  public static prefix func - (a: Tensor) throws -> Tensor {
    try record(mapValues(a.data, -), shape: a.shape, op: "neg", inputs: [a]) { g in
      [mapValues(g, -)]
    }
  }

  // Mixed tensor–number forms, so `loss / 4` reads as it does in PyTorch.
  public static func + (a: Tensor, b: Double) throws -> Tensor { try a + Tensor(scalar: b) }
  public static func - (a: Tensor, b: Double) throws -> Tensor { try a - Tensor(scalar: b) }
  public static func * (a: Tensor, b: Double) throws -> Tensor { try a * Tensor(scalar: b) }
  public static func / (a: Tensor, b: Double) throws -> Tensor { try a / Tensor(scalar: b) }
  public static func + (a: Double, b: Tensor) throws -> Tensor { try Tensor(scalar: a) + b }
  public static func - (a: Double, b: Tensor) throws -> Tensor { try Tensor(scalar: a) - b }
  public static func * (a: Double, b: Tensor) throws -> Tensor { try Tensor(scalar: a) * b }
  public static func / (a: Double, b: Tensor) throws -> Tensor { try Tensor(scalar: a) / b }
}
