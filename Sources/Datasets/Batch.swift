import Autograd

/// Samples that go through one forward pass together.
///
/// Gradient accumulation cuts a batch into micro-batches, runs each, and
/// must end with the gradient of the whole batch; that only works if the
/// micro-batches are exactly the batch's samples, each once, in order. So
/// `split` copies contiguous runs of samples and `concatenated` undoes it
/// bit for bit.
public struct Batch {
  /// [B, …], sample first.
  public let inputs: Tensor
  /// [B, …], sample first.
  public let targets: Tensor

  /// The number of samples, B.
  public var count: Int { inputs.shape[0] }

  /// - Throws: `DatasetError.sampleCountMismatch` when either tensor is a
  ///   scalar or the two disagree on the number of samples.
  public init(inputs: Tensor, targets: Tensor) throws {
    guard inputs.rank >= 1, targets.rank >= 1, inputs.shape[0] == targets.shape[0] else {
      throw DatasetError.sampleCountMismatch(call: "Batch", inputs: inputs.shape, targets: targets.shape)
    }
    self.init(checked: inputs, targets: targets)
  }

  init(checked inputs: Tensor, targets: Tensor) {
    self.inputs = inputs
    self.targets = targets
  }
}
