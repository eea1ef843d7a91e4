/// An n-dimensional array of `Double` that can record how it was computed.
///
/// A tensor made by an operation on tensors that require gradients remembers
/// that operation (its `node`), so `backward()` can walk the recorded graph in
/// reverse. Leaves (tensors you create, such as parameters) collect their
/// gradient in `grad`. Like PyTorch, `backward()` *adds* into `grad`: two
/// backward passes without `zeroGrad()` leave the sum of both gradients, which
/// is exactly what gradient accumulation relies on.
///
/// Storage is row-major: the last axis varies fastest.
public final class Tensor {
  /// The size of each axis; `[]` for a scalar.
  public let shape: [Int]
  /// The elements in row-major order. Writing to it is how optimizers update
  /// parameters; it is never recorded in a graph.
  public var data: [Double]
  /// Whether operations on this tensor are recorded for `backward()`.
  public var requiresGrad: Bool
  /// The accumulated gradient of a leaf, `nil` until a backward pass reaches
  /// it (or after `zeroGrad()`, which sets it back to `nil` like PyTorch 2).
  /// It adds up in Double (float32) whatever the ops computed in. A tensor
  /// made by an op keeps one only after `retainGrad()`.
  public var grad: Tensor?
  /// The type the values are held in: float32 (Double) for every tensor
  /// made outside `autocast`; an op's output inside it has the type the op
  /// ran in (see `Autocast.opTable`), and its `data` holds only values of
  /// that type.
  public internal(set) var dtype: DType = .float32

  /// The operation that produced this tensor; `nil` for leaves.
  var node: Node?
  /// Set once a backward pass has consumed and freed this tensor's graph.
  var graphReleased = false
  /// Set by `retainGrad()`: keep the gradient of this non-leaf in `grad`.
  var retainsGrad = false

  /// Creates a tensor from row-major `data`.
  ///
  /// - Precondition: `data.count` equals the product of `shape`. This is a
  ///   construction mistake in the calling code, not a runtime condition, so
  ///   it stops with a message naming both counts.
  public init(_ data: [Double], shape: [Int], requiresGrad: Bool = false) {
    precondition(shape.allSatisfy { $0 >= 0 }, "Tensor shape \(shape) has a negative size")
    precondition(
      data.count == shape.reduce(1, *),
      "Tensor: \(data.count) values do not fill shape \(shape) (\(shape.reduce(1, *)) needed)")
    _ = AllocatorTuning.applied
    self.shape = shape
    self.data = data
    self.requiresGrad = requiresGrad
  }

  /// A 1-D tensor.
  public convenience init(_ vector: [Double], requiresGrad: Bool = false) {
    self.init(vector, shape: [vector.count], requiresGrad: requiresGrad)
  }

  /// A 2-D tensor from rows of equal length.
  public convenience init(rows: [[Double]], requiresGrad: Bool = false) {
    let width = rows.first?.count ?? 0
    precondition(rows.allSatisfy { $0.count == width }, "Tensor(rows:): rows have different lengths")
    self.init(rows.flatMap { $0 }, shape: [rows.count, width], requiresGrad: requiresGrad)
  }

  /// A 0-D tensor holding one number.
  public convenience init(scalar: Double, requiresGrad: Bool = false) {
    self.init([scalar], shape: [], requiresGrad: requiresGrad)
  }

  public static func zeros(_ shape: [Int], requiresGrad: Bool = false) -> Tensor {
    Tensor([Double](repeating: 0, count: shape.reduce(1, *)), shape: shape, requiresGrad: requiresGrad)
  }

  public static func ones(_ shape: [Int], requiresGrad: Bool = false) -> Tensor {
    Tensor([Double](repeating: 1, count: shape.reduce(1, *)), shape: shape, requiresGrad: requiresGrad)
  }

  /// Samples from N(mean, std²) drawn from `rng`, so a seed fixes the values.
  public static func randn(
    _ shape: [Int], mean: Double = 0, std: Double = 1, rng: inout SplitMix64, requiresGrad: Bool = false
  ) -> Tensor {
    let values = (0..<shape.reduce(1, *)).map { _ in rng.normal(mean: mean, std: std) }
    return Tensor(values, shape: shape, requiresGrad: requiresGrad)
  }

  /// Samples from U[low, high) drawn from `rng`.
  public static func uniform(
    _ shape: [Int], low: Double, high: Double, rng: inout SplitMix64, requiresGrad: Bool = false
  ) -> Tensor {
    let values = (0..<shape.reduce(1, *)).map { _ in rng.uniform(low, high) }
    return Tensor(values, shape: shape, requiresGrad: requiresGrad)
  }

  /// The number of elements.
  public var count: Int { data.count }
  /// The number of axes.
  public var rank: Int { shape.count }
  /// True for tensors made by the user rather than by a recorded operation.
  public var isLeaf: Bool { node == nil }
  /// The name of the recorded op that made this tensor ("linear", "tanh"),
  /// as PyTorch's `grad_fn` names it; nil for a leaf, and once `backward()`
  /// has freed the graph.
  public var gradFn: String? { node?.op }

  /// The value of a one-element tensor, like PyTorch's `item()`.
  public func item() -> Double {
    precondition(data.count == 1, "item() needs a tensor with one element, this one has shape \(shape)")
    return data[0]
  }

  /// The element at a multi-index, one index per axis.
  public subscript(_ index: Int...) -> Double {
    get { data[flatIndex(index)] }
    set { data[flatIndex(index)] = newValue }
  }

  private func flatIndex(_ index: [Int]) -> Int {
    precondition(index.count == shape.count, "index \(index) does not match shape \(shape)")
    var flat = 0
    for (i, size) in zip(index, shape) {
      precondition(i >= 0 && i < size, "index \(index) is out of range for shape \(shape)")
      flat = flat * size + i
    }
    return flat
  }

  /// A new leaf with the same values and type that records nothing
  /// (PyTorch's `detach()`); its storage is copied lazily, on first write.
  public func detach() -> Tensor {
    let copy = Tensor(data, shape: shape)
    copy.dtype = dtype
    return copy
  }

  /// Keeps this tensor's gradient in `grad` after `backward()` although an
  /// op made it, like PyTorch's `retain_grad()`: to look at the gradient
  /// flowing through an activation (its values are in the tensor's type).
  public func retainGrad() {
    retainsGrad = true
  }

  /// Sets the gradient back to `nil` (or to zeros with `setToNone: false`).
  public func zeroGrad(setToNone: Bool = true) {
    if setToNone {
      grad = nil
    } else if let grad {
      grad.data = [Double](repeating: 0, count: grad.count)
    }
  }
}

extension Tensor: CustomStringConvertible {
  public var description: String {
    let shown = data.prefix(8).map { String($0) }.joined(separator: ", ")
    let more = data.count > 8 ? ", … (\(data.count) values)" : ""
    return "Tensor(shape: \(shape), [\(shown)\(more)]\(requiresGrad ? ", requiresGrad" : ""))"
  }
}
