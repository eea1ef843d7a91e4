// NaN and infinity must propagate as IEEE arithmetic says: the clipping
// exercises detect exploded gradients by looking for non-finite values, and
// an op that turns NaN into a number hides them.

import Autograd
import Testing

@Suite("Non-finite values propagate")
struct NonFiniteTests {
  @Test("a NaN input gives a NaN output, and a NaN gradient where the local derivative depends on it", arguments: [
    ("x + 1", false), ("x * 2", false), ("x * x", true), ("tanh", true), ("relu", false), ("exp", true), ("sum", false),
  ])
  func elementwise(_ op: String, _ gradientIsNaN: Bool) throws {
    let x = Tensor([.nan, 1], requiresGrad: true)
    let y: Tensor
    switch op {
    case "x + 1": y = try x + 1.0
    case "x * 2": y = try x * 2.0
    case "x * x": y = try x * x
    case "tanh": y = try x.tanh()
    case "relu": y = try x.relu()  // max(NaN, 0) is NaN; its gradient there is 0, as in PyTorch
    case "exp": y = try x.exp()
    default: y = try x.sum()
    }
    #expect(y.data[0].isNaN)
    try y.sum().backward()
    let grad = try #require(x.grad).data
    #expect(grad[0].isNaN == gradientIsNaN, "gradient \(grad)")
    #expect(grad[1].isFinite)
  }

  @Test("an infinite upstream gradient reaches the leaves as non-finite")
  func infiniteGradient() throws {
    let x = Tensor([1, 2], requiresGrad: true)
    try (x * 2.0).backward(gradient: Tensor([.infinity, 1]))
    #expect(try #require(x.grad).data[0] == .infinity)
  }
  // matmul: see KernelTests.matmulNaN.
}
