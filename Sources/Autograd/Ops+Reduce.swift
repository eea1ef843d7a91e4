extension Tensor {
  /// The sum of all elements, as a 0-D tensor.
  public func sum() throws -> Tensor {
    let n = count
    var total = 0.0
    data.withUnsafeBufferPointer { for v in $0 { total += v } }
    return try Tensor.record([total], shape: [], op: "sum", inputs: [self]) { g in
      // Every element contributes with weight 1.
      [[Double](repeating: g[0], count: n)]
    }
  }

  /// The mean of all elements, as a 0-D tensor.
  public func mean() throws -> Tensor {
    guard count > 0 else { throw TensorError.invalidArgument(op: "mean", detail: "the mean of an empty tensor is undefined") }
    return try sum() / Double(count)
  }

  /// Sums along `axis`, removing it: [B, T, F].sum(axis: 1) is [B, F].
  public func sum(axis: Int) throws -> Tensor {
    let axis = try checkedAxis(axis, op: "sum")
    let (outer, size, inner) = splitShape(at: axis)
    var out = [Double](repeating: 0, count: outer * inner)
    data.withUnsafeBufferPointer { x in
      out.withUnsafeMutableBufferPointer { o in
        for i in 0..<outer {
          for a in 0..<size {
            let base = (i * size + a) * inner
            for j in 0..<inner { o[i * inner + j] += x[base + j] }
          }
        }
      }
    }
    var outShape = shape
    outShape.remove(at: axis)
    return try Tensor.record(out, shape: outShape, op: "sum(axis:)", inputs: [self]) { g in
      // Each summed element receives the gradient of its sum.
      var grad = [Double](repeating: 0, count: outer * size * inner)
      for i in 0..<outer {
        for a in 0..<size {
          for j in 0..<inner { grad[(i * size + a) * inner + j] = g[i * inner + j] }
        }
      }
      return [grad]
    }
  }

  /// The mean along `axis`, removing it.
  public func mean(axis: Int) throws -> Tensor {
    let axis = try checkedAxis(axis, op: "mean")
    guard shape[axis] > 0 else {
      throw TensorError.invalidArgument(op: "mean(axis:)", detail: "axis \(axis) of shape \(shape) is empty")
    }
    return try sum(axis: axis) / Double(shape[axis])
  }

  /// Resolves a possibly negative axis, or throws naming the op and shape.
  func checkedAxis(_ axis: Int, op: String) throws -> Int {
    let resolved = axis < 0 ? axis + rank : axis
    guard resolved >= 0 && resolved < rank else {
      throw TensorError.invalidArgument(op: op, detail: "axis \(axis) is out of range for shape \(shape)")
    }
    return resolved
  }

  /// The sizes before, at and after `axis`: the shape seen as [outer, size, inner].
  func splitShape(at axis: Int) -> (outer: Int, size: Int, inner: Int) {
    (shape[..<axis].reduce(1, *), shape[axis], shape[(axis + 1)...].reduce(1, *))
  }
}
