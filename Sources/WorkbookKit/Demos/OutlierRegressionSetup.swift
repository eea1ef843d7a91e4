import Autograd
import Datasets
import Foundation
import Measures

/// Exercise 7's setup: a deep tanh MLP on linear regression with gross
/// outliers (`Dataset.regression`). One sample in fifty has ±50 added to
/// its target, so a batch that holds one has a gradient many times the
/// usual one. At the demo's learning rate the unclipped run diverges
/// within a few steps and its loss, then its gradients, overflow.
///
/// Everything comes from one seed, split into streams for the data, the
/// weights and the batch order, so every run starts from the same weights
/// and sees the same batches. The test set is held-out samples without
/// outliers: what the clean relation is learned to.
struct OutlierRegressionSetup {
  static let features = 8
  static let widths = [features, 32, 32, 32, 32, 1]
  static let batchSize = 32
  static let outlierFraction = 0.02
  static let outlierScale = 50.0

  let train: Dataset
  let test: Batch
  private let loader: DataLoader
  private let weightSeed: UInt64
  let lossFunction: LossFunction = { try mse($0, $1) }

  init(seed: UInt64, trainCount: Int = 2048, testCount: Int = 512) throws {
    var rng = SplitMix64(seed: seed &+ 0x0071)
    weightSeed = rng.next()
    var dataRNG = rng.split()
    let all = try Dataset.regression(
      count: trainCount + testCount, features: Self.features, outlierFraction: Self.outlierFraction,
      outlierScale: Self.outlierScale, rng: &dataRNG)
    let outliers = Set(all.outlierIndices ?? [])
    train = try Dataset(
      inputs: all.batch(Array(0..<trainCount)).inputs, targets: all.batch(Array(0..<trainCount)).targets,
      name: "regression with outliers", outlierIndices: (all.outlierIndices ?? []).filter { $0 < trainCount })
    test = all.batch((trainCount..<(trainCount + testCount)).filter { !outliers.contains($0) })
    loader = try DataLoader(train, batchSize: Self.batchSize, shuffle: true, dropLast: true, seed: rng.next())
  }

  /// A fresh model; every call returns the same weights.
  func makeModel() -> MLP {
    var rng = SplitMix64(seed: weightSeed)
    return MLP(Self.widths, activation: .tanh, rng: &rng)
  }

  /// The batches of the first `steps` steps, in order, epoch after epoch.
  func batches(steps: Int) -> [Batch] { loader.batches(count: steps) }

  /// The MSE on the clean held-out samples.
  func testLoss(_ model: any Module) throws -> Double {
    try noGrad { try mse(model(test.inputs), test.targets).item() }
  }

  /// "an MLP 8→32→32→32→32→1 (tanh)".
  static var modelDescription: String { "an MLP \(widths.map(String.init).joined(separator: "→")) (tanh)" }
}
