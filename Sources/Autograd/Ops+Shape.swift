// Reshaping, slicing and joining: what an RNN over [batch, time, features]
// needs to take one time step out and to put per-step outputs back together.

extension Tensor {
  /// The same values with a new shape of the same size; one size may be -1.
  public func reshaped(_ newShape: [Int]) throws -> Tensor {
    var target = newShape
    if let free = target.firstIndex(of: -1) {
      let known = target.enumerated().filter { $0.offset != free }.map(\.element).reduce(1, *)
      guard known > 0, count % known == 0 else {
        throw TensorError.shapeMismatch(op: "reshape", lhs: shape, rhs: newShape, detail: "\(count) values do not fit")
      }
      target[free] = count / known
    }
    guard target.allSatisfy({ $0 >= 0 }), target.reduce(1, *) == count else {
      throw TensorError.shapeMismatch(op: "reshape", lhs: shape, rhs: newShape, detail: "\(count) values do not fit")
    }
    return try Tensor.record(data, shape: target, op: "reshape", inputs: [self]) { g in [g] }
  }

  /// Elements `range` along `axis`, keeping the axis (PyTorch's `narrow`).
  public func slice(axis: Int, _ range: Range<Int>) throws -> Tensor {
    let axis = try checkedAxis(axis, op: "slice")
    var outShape = shape
    outShape[axis] = range.count
    return try take(axis: axis, range: range, outShape: outShape, op: "slice")
  }

  /// Element `index` along `axis`, removing the axis: `x.select(axis: 1, index: t)`
  /// is time step t of a [batch, time, features] sequence, as [batch, features].
  /// Only that step is copied, never the whole sequence.
  public func select(axis: Int, index: Int) throws -> Tensor {
    let axis = try checkedAxis(axis, op: "select")
    var outShape = shape
    outShape.remove(at: axis)
    return try take(axis: axis, range: index..<(index + 1), outShape: outShape, op: "select")
  }

  private func take(axis: Int, range: Range<Int>, outShape: [Int], op: String) throws -> Tensor {
    guard range.lowerBound >= 0, range.upperBound <= shape[axis] else {
      throw TensorError.invalidArgument(
        op: op, detail: "range \(range.lowerBound)..<\(range.upperBound) is outside axis \(axis) of shape \(shape)")
    }
    let (outer, size, inner) = splitShape(at: axis)
    let width = range.count * inner
    var out = [Double](repeating: 0, count: outer * width)
    data.withUnsafeBufferPointer { x in
      out.withUnsafeMutableBufferPointer { o in
        for i in 0..<outer {
          let from = (i * size + range.lowerBound) * inner
          for j in 0..<width { o[i * width + j] = x[from + j] }
        }
      }
    }
    let total = count
    return try Tensor.record(out, shape: outShape, op: op, inputs: [self]) { g in
      // The taken elements get the gradient; the rest get zero.
      var grad = [Double](repeating: 0, count: total)
      for i in 0..<outer {
        let to = (i * size + range.lowerBound) * inner
        for j in 0..<width { grad[to + j] = g[i * width + j] }
      }
      return [grad]
    }
  }

  /// Joins tensors along an existing axis; every other size must agree.
  public static func concat(_ tensors: [Tensor], axis: Int) throws -> Tensor {
    guard let first = tensors.first else {
      throw TensorError.invalidArgument(op: "concat", detail: "needs at least one tensor")
    }
    let axis = try first.checkedAxis(axis, op: "concat")
    for t in tensors.dropFirst() {
      var a = first.shape, b = t.shape
      guard a.count == b.count else {
        throw TensorError.shapeMismatch(op: "concat", lhs: first.shape, rhs: t.shape, detail: "ranks differ")
      }
      a[axis] = 0
      b[axis] = 0
      guard a == b else {
        throw TensorError.shapeMismatch(
          op: "concat", lhs: first.shape, rhs: t.shape, detail: "sizes differ on an axis other than \(axis)")
      }
    }
    let outer = first.shape[..<axis].reduce(1, *)
    let inner = first.shape[(axis + 1)...].reduce(1, *)
    let widths = tensors.map { $0.shape[axis] * inner }
    let rowWidth = widths.reduce(0, +)
    var out = [Double](repeating: 0, count: outer * rowWidth)
    var offset = 0
    for (t, width) in zip(tensors, widths) {
      t.data.withUnsafeBufferPointer { x in
        for i in 0..<outer {
          for j in 0..<width { out[i * rowWidth + offset + j] = x[i * width + j] }
        }
      }
      offset += width
    }
    var outShape = first.shape
    outShape[axis] = tensors.map { $0.shape[axis] }.reduce(0, +)
    return try record(out, shape: outShape, op: "concat", inputs: tensors) { g in
      // Each input gets back its own block of every row.
      var grads: [[Double]?] = []
      var offset = 0
      for width in widths {
        var grad = [Double](repeating: 0, count: outer * width)
        for i in 0..<outer {
          for j in 0..<width { grad[i * width + j] = g[i * rowWidth + offset + j] }
        }
        grads.append(grad)
        offset += width
      }
      return grads
    }
  }

  /// Joins tensors of one shape along a new axis: T tensors of [B, H]
  /// stacked on axis 1 give [B, T, H].
  public static func stack(_ tensors: [Tensor], axis: Int) throws -> Tensor {
    guard let first = tensors.first else {
      throw TensorError.invalidArgument(op: "stack", detail: "needs at least one tensor")
    }
    guard axis >= 0 && axis <= first.rank else {
      throw TensorError.invalidArgument(op: "stack", detail: "axis \(axis) is out of range for shape \(first.shape)")
    }
    for t in tensors where t.shape != first.shape {
      throw TensorError.shapeMismatch(op: "stack", lhs: first.shape, rhs: t.shape, detail: "all tensors must have one shape")
    }
    var expanded = first.shape
    expanded.insert(1, at: axis)
    return try concat(tensors.map { try $0.reshaped(expanded) }, axis: axis)
  }
}
