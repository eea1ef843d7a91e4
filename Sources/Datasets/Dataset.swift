import Autograd

/// A fixed set of samples: `inputs` and `targets` share their first axis,
/// one entry per sample, so any rank works ([N, F] tables, [N, T, F]
/// sequences, [N] labels).
///
/// The tensors never require gradients: data is not a parameter, and a
/// stray `requiresGrad` would make every forward pass record (and keep in
/// memory) a graph back into the data set.
public struct Dataset {
  /// [N, …], sample first.
  public let inputs: Tensor
  /// [N, …], sample first.
  public let targets: Tensor
  /// A readable description of how the set was made, for logs and plots.
  public var name: String
  /// For `regression(…)`, the samples whose targets were pushed off the line,
  /// ascending; `nil` for sets that have no notion of outliers.
  ///
  /// Kept on the set (rather than in a separate result type) so that an
  /// exercise can ask "which samples produced the huge gradients?" with the
  /// one value it already holds. Batches do not carry it: after shuffling,
  /// a loader's `order(epoch:)` maps batch rows back to these indices.
  public let outlierIndices: [Int]?

  /// The number of samples.
  public var count: Int { inputs.shape[0] }

  /// - Throws: `DatasetError.sampleCountMismatch` when either tensor is a
  ///   scalar or the two disagree on the number of samples.
  ///
  /// The tensors are detached: the set gets its own (copy-on-write) values
  /// that record nothing, whatever `requiresGrad` the arguments had.
  public init(inputs: Tensor, targets: Tensor, name: String = "dataset", outlierIndices: [Int]? = nil) throws {
    guard inputs.rank >= 1, targets.rank >= 1, inputs.shape[0] == targets.shape[0] else {
      throw DatasetError.sampleCountMismatch(
        call: "Dataset(name: \"\(name)\")", inputs: inputs.shape, targets: targets.shape)
    }
    self.init(checked: inputs.detach(), targets: targets.detach(), name: name, outlierIndices: outlierIndices)
  }

  /// For the generators, which build fresh tensors of matching shapes.
  init(checked inputs: Tensor, targets: Tensor, name: String, outlierIndices: [Int]? = nil) {
    self.inputs = inputs
    self.targets = targets
    self.name = name
    self.outlierIndices = outlierIndices
  }

  /// The samples at `indices`, in that order, copied into a batch. Repeats
  /// are allowed (sampling with replacement); an index outside `0..<count`
  /// is a programming error and stops with the index.
  public func batch(_ indices: [Int]) -> Batch {
    Batch(
      checked: inputs.gatherRows(indices, caller: "Dataset.batch"),
      targets: targets.gatherRows(indices, caller: "Dataset.batch"))
  }
}
