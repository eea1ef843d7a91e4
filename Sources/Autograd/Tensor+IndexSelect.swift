extension Tensor {
  /// The rows (entries along axis 0) at `indices`, in that order, repeats
  /// allowed: PyTorch's `index_select(0, indices)`. [5, 3] with indices
  /// [4, 0] gives [2, 3].
  ///
  /// How `tokenCrossEntropy` leaves padding out, and a way to run a layer
  /// on the real tokens of a padded batch only.
  ///
  /// - Throws: `TensorError.invalidArgument` for a 0-D tensor or an index
  ///   outside `0..<shape[0]`.
  public func indexSelect(_ indices: [Int]) throws -> Tensor {
    guard rank >= 1 else {
      throw TensorError.invalidArgument(op: "indexSelect", detail: "needs a tensor with a first axis, got shape \(shape)")
    }
    let rows = shape[0]
    if let bad = indices.first(where: { $0 < 0 || $0 >= rows }) {
      throw TensorError.invalidArgument(op: "indexSelect", detail: "index \(bad) is outside 0..<\(rows) of shape \(shape)")
    }
    let width = rows == 0 ? 0 : count / rows
    var out: [Double] = []
    out.reserveCapacity(indices.count * width)
    for i in indices { out.append(contentsOf: data[(i * width)..<((i + 1) * width)]) }
    let total = count
    return try Tensor.record(out, shape: [indices.count] + shape.dropFirst(), op: "indexSelect", inputs: [self]) { g in
      // Each selected row's gradient goes back to its row, summed over
      // repeats; rows never selected get exactly 0.
      var grad = [Double](repeating: 0, count: total)
      for (k, i) in indices.enumerated() {
        for j in 0..<width { grad[i * width + j] += g[k * width + j] }
      }
      return [grad]
    }
  }
}
