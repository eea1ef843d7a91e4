/// The inputs of the clip_grad_norm_ results computed by PyTorch itself
/// (torch 2.15.0, float64): the graders' self-tests check the reference
/// against PyTorch's numbers (Tests/GradingTests), and this check holds
/// the student to the reference on the same inputs.
enum PyTorchCases {
  static let inputs: [(grads: [[Double]?], maxNorm: Double, normType: Double)] = [
    ([[3.0, 4.0], [12.0]], 1.0, 2.0),
    ([[3.0, 4.0], [12.0]], 13.0, 2.0),
    ([[0.5, -1.5, 2.25], [1000.0, -7.0], [0.0]], 0.3, 2.0),
    ([[0.5, -1.5, 2.25], [1000.0, -7.0], [0.0]], 2.0, .infinity),
    ([[0.1, -0.2], [0.05, 0.3, -0.4]], 5.0, 2.0),
    ([[0.001, 0.002], [-0.004]], 0.0001, 1.0),
  ]
}
