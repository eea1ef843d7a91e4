import Autograd
@testable import Datasets

/// A set whose sample i carries its own index: inputs [N, 2] rows are
/// (i, i + 0.5) and targets [N] are i, so a batch can be read back as the
/// list of samples it holds, and a row paired with the wrong target shows.
func indexedDataset(count: Int) -> Dataset {
  let inputs = (0..<count).flatMap { [Double($0), Double($0) + 0.5] }
  return try! Dataset(
    inputs: Tensor(inputs, shape: [count, 2]), targets: Tensor((0..<count).map(Double.init)), name: "indexed")
}

/// The sample indices a batch of `indexedDataset` holds, in order.
func sampleIDs(_ batch: Batch) -> [Int] {
  batch.targets.data.map { Int($0) }
}

/// Whether every input row of a batch of `indexedDataset` belongs to its target.
func rowsMatchTargets(_ batch: Batch) -> Bool {
  (0..<batch.count).allSatisfy { row in
    batch.inputs.data[2 * row] == batch.targets.data[row]
      && batch.inputs.data[2 * row + 1] == batch.targets.data[row] + 0.5
  }
}
