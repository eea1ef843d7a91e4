// The two ops autocast runs in low precision. Both round their inputs to
// the op's type before computing (autocast's `cached_cast`), so what they
// keep for backward is the rounded copy, as PyTorch saves the float16
// casts; they add up their products in Double, as tensor cores add up in
// float32, and `record` rounds the output. Their backward products are
// rounded to the op's type too, by `backward()`.

extension Tensor {
  /// Matrix product of [m, k] and [k, n].
  public func matmul(_ other: Tensor) throws -> Tensor {
    guard rank == 2, other.rank == 2 else {
      throw TensorError.shapeMismatch(op: "matmul", lhs: shape, rhs: other.shape, detail: "both operands must be 2-D")
    }
    guard shape[1] == other.shape[0] else {
      throw TensorError.shapeMismatch(
        op: "matmul", lhs: shape, rhs: other.shape,
        detail: "inner sizes \(shape[1]) and \(other.shape[0]) differ")
    }
    let (m, k, n) = (shape[0], shape[1], other.shape[1])
    let type = Autocast.computeType("matmul", [self, other])
    let a = type.round(data), b = type.round(other.data)
    let lhsNeedsGrad = requiresGrad, rhsNeedsGrad = other.requiresGrad
    return try Tensor.record(
      gemm(a, b, m: m, k: k, n: n), shape: [m, n], op: "matmul", inputs: [self, other], dtype: type
    ) { g in
      // dA = G · Bᵀ,  dB = Aᵀ · G
      [
        lhsNeedsGrad ? gemm(g, transpose2D(b, rows: k, cols: n), m: m, k: n, n: k) : nil,
        rhsNeedsGrad ? gemmTransposedA(a, g, m: m, k: k, n: n) : nil,
      ]
    }
  }

  /// `input · weight + bias` as one op, PyTorch's
  /// `torch.nn.functional.linear`: autocast runs it in low precision as a
  /// whole, the bias rounded with the rest, and its output is in that type.
  /// (Written as a matmul and an add, the add of a float16 product and a
  /// float32 bias would run in float32.) `weight` is [in, out], not
  /// PyTorch's [out, in], so the forward product needs no transpose.
  ///
  /// - Parameters:
  ///   - input: [batch, in].
  ///   - weight: [in, out].
  ///   - bias: [out].
  public static func linear(_ input: Tensor, weight: Tensor, bias: Tensor) throws -> Tensor {
    guard input.rank == 2, weight.rank == 2, input.shape[1] == weight.shape[0], bias.shape == [weight.shape[1]] else {
      throw TensorError.shapeMismatch(
        op: "linear", lhs: input.shape, rhs: weight.shape,
        detail: "input must be [batch, in], weight [in, out] and bias [out], got bias \(bias.shape)")
    }
    let (m, k, n) = (input.shape[0], input.shape[1], weight.shape[1])
    let type = Autocast.computeType("linear", [input, weight, bias])
    let x = type.round(input.data), w = type.round(weight.data), b = type.round(bias.data)
    var y = gemm(x, w, m: m, k: k, n: n)
    y.withUnsafeMutableBufferPointer { y in
      for i in 0..<m {
        for j in 0..<n { y[i * n + j] += b[j] }
      }
    }
    let needs = (input.requiresGrad, weight.requiresGrad, bias.requiresGrad), biasShape = bias.shape
    return try record(y, shape: [m, n], op: "linear", inputs: [input, weight, bias], dtype: type) { g in
      // dX = G · Wᵀ,  dW = Xᵀ · G,  db = G summed over the batch
      [
        needs.0 ? gemm(g, transpose2D(w, rows: k, cols: n), m: m, k: n, n: k) : nil,
        needs.1 ? gemmTransposedA(x, g, m: m, k: k, n: n) : nil,
        needs.2 ? reduceToShape(g, from: [m, n], to: biasShape) : nil,
      ]
    }
  }

  /// The transpose of a 2-D tensor.
  public func transposed() throws -> Tensor {
    guard rank == 2 else {
      throw TensorError.invalidArgument(op: "transpose", detail: "needs a 2-D tensor, got shape \(shape)")
    }
    let (rows, cols) = (shape[0], shape[1])
    return try Tensor.record(transpose2D(data, rows: rows, cols: cols), shape: [cols, rows], op: "transpose", inputs: [self]) { g in
      [transpose2D(g, rows: cols, cols: rows)]
    }
  }
}
