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
  /// beside it by `PyTorchTimes`.
  public static let targetRatio = 0.5
}
