import Autograd
import Testing
@testable import Datasets

/// The shapes the generators choose are the ones the engine's models and
/// losses take, so an exercise can feed a batch straight in.
@Suite("Batches fit the engine")
struct EngineFitTests {
  @Test("a spirals batch feeds an MLP and softmaxCrossEntropy")
  func spirals() throws {
    var rng = SplitMix64(seed: 1)
    let set = try Dataset.spirals(pointsPerClass: 10, rng: &rng)
    let batch = try DataLoader(set, batchSize: 8, seed: 1).batches(epoch: 0)[0]
    let model = MLP([2, 8, 3], rng: &rng)
    let loss = try softmaxCrossEntropy(model(batch.inputs), batch.targets)
    try loss.backward()
    #expect(loss.item().isFinite)
  }

  @Test("an adding-problem batch feeds an RNN and mse")
  func addingProblem() throws {
    var rng = SplitMix64(seed: 2)
    let set = try Dataset.addingProblem(count: 8, length: 5, rng: &rng)
    let batch = set.batch(Array(0..<4))
    let model = RNN(inputSize: 2, hiddenSize: 4, outputSize: 1, rng: &rng)
    let loss = try mse(model(batch.inputs), batch.targets)
    try loss.backward()
    #expect(loss.item().isFinite)
  }

  @Test("a regression batch feeds a Linear layer and mse")
  func regression() throws {
    var rng = SplitMix64(seed: 3)
    let set = try Dataset.regression(count: 12, features: 3, outlierFraction: 0.25, rng: &rng)
    let model = Linear(3, 1, rng: &rng)
    for part in try set.batch(Array(0..<12)).split(into: 5) {
      try mse(model(part.inputs), part.targets).backward()
    }
    #expect(model.weight.grad != nil)
  }
}
