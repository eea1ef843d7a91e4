import Autograd
import Contract
import Datasets

/// The engine benchmark's three workloads. Sizes and step structure match
/// bench/pytorch_reference.py and bench/numpy_reference.py, so the
/// figures compare like with like.
public enum BenchWorkload: String, CaseIterable, Sendable {
  /// MLP 2→64→64→3, tanh, softmax cross-entropy, 3-class spirals, batch 256.
  case mlp
  /// Elman RNN (2 → 64), last-state readout, MSE, adding problem T = 50;
  /// 4 micro-batches of 16 per optimizer step.
  case rnn
  /// MLP 32→(16 hidden layers of 32, tanh)→1, MSE, batch 128 random data.
  case deep

  public var summary: String {
    switch self {
    case .mlp: return "MLP 2-64-64-3 tanh, cross-entropy, spirals, batch 256"
    case .rnn: return "Elman RNN h=64, adding problem T=50, 4×16 accumulated"
    case .deep: return "MLP 32-(16×32)-1 tanh, MSE, batch 128"
    }
  }

  /// The engine's target: at most half of PyTorch's time, as measured
  /// beside it by `PyTorchReference`.
  public static let targetRatio = 0.5

  /// A fresh model, data and optimizer (seeded by `seed`), and the function
  /// that takes one optimizer step.
  public func makeStep(seed: UInt64) throws -> () throws -> Void {
    var rng = SplitMix64(seed: seed)
    // The reference solution's clipping, as the figures in README were
    // measured; a student's copy has only the graders' own.
    let clip = ReferenceCode.code?.ex1.map { ex1 in GradNormClipper { try ex1.clipGradNorm($0, $1, $2, $3) } }
      ?? GradNormClipper.reference
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
}
