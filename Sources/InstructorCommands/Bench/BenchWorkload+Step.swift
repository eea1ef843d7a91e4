import Harness
import Judge
import StudentCommands
import WorkbookKit
import Autograd
import Contract
import Datasets
import WorkbookKit

#if !WORKBOOK_HANDOUT
  import AnswerKey
#endif

extension BenchWorkload {
  /// A fresh model, data and optimizer (seeded by `seed`), and the function
  /// that takes one optimizer step.
  public func makeStep(seed: UInt64) throws -> () throws -> Void {
    var rng = SplitMix64(seed: seed)
    // The reference solution's clipping, as the figures in README were
    // measured.
    let clip = try BenchWorkload.clipper()
    switch self {
    case .mlp:
      let model = MLP([2, 64, 64, 3], activation: .tanh, rng: &rng)
      let optimizer = SGD(model.parameters(), lr: 0.1)
      let data = try Dataset.spirals(classes: 3, pointsPerClass: 86, rng: &rng)
      let batch = data.batch(Array(0..<256))
      return {
        optimizer.zeroGrad()
        let loss = try softmaxCrossEntropy(model(batch.inputs), batch.targets)
        try loss.backward()
        _ = try clip(model.parameters(), maxNorm: 1.0)
        optimizer.step()
      }
    case .rnn:
      let model = RNN(inputSize: 2, hiddenSize: 64, outputSize: 1, rng: &rng)
      let optimizer = SGD(model.parameters(), lr: 0.05)
      let data = try Dataset.addingProblem(count: 64, length: 50, rng: &rng)
      let microBatches = try data.batch(Array(0..<64)).split(into: 4)
      return {
        optimizer.zeroGrad()
        for micro in microBatches {
          let loss = try mse(model(micro.inputs), micro.targets) / Double(microBatches.count)
          try loss.backward()
        }
        _ = try clip(model.parameters(), maxNorm: 1.0)
        optimizer.step()
      }
    case .deep:
      let model = MLP([32] + Array(repeating: 32, count: 16) + [1], activation: .tanh, rng: &rng)
      let optimizer = SGD(model.parameters(), lr: 0.01)
      let inputs = Tensor.randn([128, 32], rng: &rng)
      let targets = Tensor.randn([128, 1], rng: &rng)
      return {
        optimizer.zeroGrad()
        let loss = try mse(model(inputs), targets)
        try loss.backward()
        _ = try clip(model.parameters(), maxNorm: 1.0)
        optimizer.step()
      }
    }
  }

  /// The clipping every step uses: the reference's, which only the full
  /// workbook has.
  static func clipper() throws -> GradNormClipper {
    #if WORKBOOK_HANDOUT
      throw CommandFailure("bench times the engine with the reference solutions' clipping: run it in the full workbook")
    #else
      return ReferenceCode.clipper
    #endif
  }
}
