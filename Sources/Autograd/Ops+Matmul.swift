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
    let a = data, b = other.data
    let lhsNeedsGrad = requiresGrad, rhsNeedsGrad = other.requiresGrad
    return try Tensor.record(gemm(a, b, m: m, k: k, n: n), shape: [m, n], op: "matmul", inputs: [self, other]) { g in
      // dA = G · Bᵀ,  dB = Aᵀ · G
      [
        lhsNeedsGrad ? gemm(g, transpose2D(b, rows: k, cols: n), m: m, k: n, n: k) : nil,
        rhsNeedsGrad ? gemmTransposedA(a, g, m: m, k: k, n: n) : nil,
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
