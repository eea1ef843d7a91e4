import Autograd
import Foundation
import Testing
@testable import Datasets

/// The Reber grammar is learnable by a small model in a few hundred steps:
/// a window MLP goes from guessing (log 7 ≈ 1.95 per token) to near the
/// grammar's own floor (about 0.59).
@Suite("Next-token prediction learns")
struct NextTokenLearningTests {
  /// Trains MLP [3·7, 32, 7] (tanh) with SGD, lr 0.5, on 300 batches of 16
  /// sequences (windows of 3 tokens), and returns the held-out mean
  /// per-token loss before and after, with the held-out set's floor.
  static func train(seed: UInt64) throws -> (before: Double, after: Double, floor: Double) {
    var rng = SplitMix64(seed: seed)
    let train = try SequenceDataset.reberGrammar(count: 4800, rng: &rng)
    let test = try SequenceDataset.reberGrammar(count: 500, rng: &rng)
    let model = MLP([3 * 7, 32, 7], activation: .tanh, rng: &rng)
    let optimizer = SGD(model.parameters(), lr: 0.5)
    let held = try test.batch(Array(0..<test.count), context: 3)
    let heldOut = { try noGrad { try crossEntropy(model(held.inputs), held.targets).item() } }
    let before = try heldOut()
    for step in 0..<300 {
      let batch = try train.batch(Array((step * 16)..<((step + 1) * 16)), context: 3)
      optimizer.zeroGrad()
      try crossEntropy(model(batch.inputs), batch.targets).backward()
      optimizer.step()
    }
    return (before, try heldOut(), try #require(test.grammarLoss))
  }

  @Test("300 steps take the held-out loss from about log 7 to below 0.7, near the grammar's floor", arguments: [0, 1, 2] as [UInt64])
  func learns(seed: UInt64) throws {
    let (before, after, floor) = try Self.train(seed: seed)
    #expect(abs(before - log(7)) < 0.2, "initial loss \(before)")
    // Measured, seeds 0, 1, 2: 1.98–1.99 before, 0.614–0.656 after, floor 0.591–0.593.
    #expect(after < 0.7, "loss after 300 steps \(after), floor \(floor)")
    #expect(after > floor - 0.02)
  }

  @Test("training is deterministic, bit for bit")
  func deterministic() throws {
    let first = try Self.train(seed: 9), second = try Self.train(seed: 9)
    #expect(first.after.bitPattern == second.after.bitPattern)
  }
}
