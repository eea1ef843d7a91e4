import Autograd

// Samples live on axis 0 of a row-major tensor, so one sample is one
// contiguous run of `rowWidth` values. Gathering, slicing and concatenating
// batches are therefore plain copies of whole runs: no arithmetic touches a
// value, which is what makes split-then-concatenate bit-identical.

extension Tensor {
  /// Values per sample: the product of every axis after the first.
  var rowWidth: Int { shape.dropFirst().reduce(1, *) }

  /// The shape after the sample axis, which every batch of a set shares.
  var sampleShape: [Int] { Array(shape.dropFirst()) }

  /// Samples `indices` (repeats allowed) as a new tensor that records nothing.
  ///
  /// An out-of-range index is a bug in the calling code, not a condition to
  /// recover from, so it stops with the index and the sample count.
  func gatherRows(_ indices: [Int], caller: String) -> Tensor {
    let samples = shape[0], width = rowWidth
    var out: [Double] = []
    out.reserveCapacity(indices.count * width)
    data.withUnsafeBufferPointer { source in
      for i in indices {
        precondition(i >= 0 && i < samples, "\(caller): index \(i) is out of range for \(samples) samples")
        out.append(contentsOf: UnsafeBufferPointer(rebasing: source[(i * width)..<((i + 1) * width)]))
      }
    }
    return Tensor(out, shape: [indices.count] + sampleShape)
  }

  /// Samples `range`, copied (a batch must not alias the set it came from:
  /// `Tensor` is a class and optimizers write to `data`).
  func rows(_ range: Range<Int>) -> Tensor {
    let width = rowWidth
    let values = Array(data[(range.lowerBound * width)..<(range.upperBound * width)])
    return Tensor(values, shape: [range.count] + sampleShape)
  }

  /// Tensors of one per-sample shape joined along the sample axis; the
  /// caller has checked that the shapes agree.
  static func joinRows(_ tensors: [Tensor]) -> Tensor {
    var out: [Double] = []
    out.reserveCapacity(tensors.reduce(0) { $0 + $1.count })
    for t in tensors { out.append(contentsOf: t.data) }
    return Tensor(out, shape: [tensors.reduce(0) { $0 + $1.shape[0] }] + tensors[0].sampleShape)
  }
}
