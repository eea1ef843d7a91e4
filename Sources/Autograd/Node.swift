/// How a recorded tensor was made: its inputs and its local backward rule.
///
/// The backward rule takes the gradient flowing into the output and returns
/// one gradient per input (`nil` where an input needs none). It captures the
/// inputs' values, never the output tensor itself, so no reference cycle
/// forms (minitorch's `backward(ctx, d_output)` shape).
final class Node {
  let op: String
  /// The type the op computed in: the gradients its backward rule returns
  /// are rounded to it (see `Autocast`).
  let dtype: DType
  private(set) var inputs: [Tensor]
  let backward: ([Double]) -> [[Double]?]
  private let bytes: Int
  private let meter: MemoryMeter

  init(
    op: String, dtype: DType, inputs: [Tensor], bytes: Int, backward: @escaping ([Double]) -> [[Double]?]
  ) throws {
    let meter = MemoryMeter.current
    try meter.allocate(bytes, op: op)
    self.op = op
    self.dtype = dtype
    self.inputs = inputs
    self.bytes = bytes
    self.meter = meter
    self.backward = backward
  }

  /// Frees a long chain without recursion: a naive release of a 10,000-step
  /// graph would call `deinit` 10,000 frames deep and overflow the stack.
  deinit {
    meter.release(bytes)
    var pending = inputs
    inputs = []
    while var tensor = pending.popLast() {
      if isKnownUniquelyReferenced(&tensor), let node = tensor.node {
        pending.append(contentsOf: node.inputs)
        node.inputs = []
      }
    }
  }
}

extension Tensor {
  /// Makes the output of an operation, recording it when gradients are on
  /// and an input requires them.
  ///
  /// The meter is charged for the output, which the next op keeps as its
  /// input, plus `savedValues`: what the backward rule keeps that is neither
  /// an input nor the output (a normalization's per-group mean and 1/σ).
  ///
  /// The output is held in the type the op runs in under autocast
  /// (`dtype`, by default the op's row of `Autocast.opTable`): `data` is
  /// rounded to it here. An op whose backward rule reuses its output, or
  /// that must round its inputs first, works out `dtype` itself and passes
  /// it, so the values it keeps are the rounded ones.
  static func record(
    _ data: [Double], shape: [Int], op: String, inputs: [Tensor], savedValues: Int = 0, dtype: DType? = nil,
    backward: @escaping ([Double]) -> [[Double]?]
  ) throws -> Tensor {
    let type = dtype ?? Autocast.computeType(op, inputs)
    let out = Tensor(type.round(data), shape: shape)
    out.dtype = type
    if GradMode.isEnabled, inputs.contains(where: { $0.requiresGrad }) {
      let bytes = (data.count + savedValues) * MemoryLayout<Double>.stride
      out.node = try Node(op: op, dtype: type, inputs: inputs, bytes: bytes, backward: backward)
      out.requiresGrad = true
    }
    return out
  }
}
