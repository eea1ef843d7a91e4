// A 10,000-step chain, the length of a long unrolled recurrence: backward()
// and the release of an unused graph must both work without recursion. Each
// test runs on a thread with a 512 KB stack, where a recursion 10,000 levels
// deep overflows (it crashes the test process: there is no catching it).

import Autograd
import Foundation
import Testing

struct ChainCase: Sendable, CustomTestStringConvertible {
  let name: String
  /// One step of the chain.
  let step: @Sendable (Tensor) throws -> Tensor
  /// d(step)/dx at x, to compute the expected gradient in plain Doubles.
  let derivative: @Sendable (Double) -> Double
  let value: @Sendable (Double) -> Double
  var testDescription: String { name }
}

enum ChainCases {
  static let steps = 10_000
  static let all: [ChainCase] = [
    ChainCase(name: "x = x * 1.0001 + 0", step: { try $0 * 1.0001 + 0.0 }, derivative: { _ in 1.0001 }, value: { $0 * 1.0001 + 0 }),
    ChainCase(name: "x = tanh(x)", step: { try $0.tanh() }, derivative: { 1 - Foundation.tanh($0) * Foundation.tanh($0) }, value: { Foundation.tanh($0) }),
    ChainCase(name: "x = x / 1.0001 - 0", step: { try $0 / 1.0001 - 0.0 }, derivative: { _ in 1 / 1.0001 }, value: { $0 / 1.0001 - 0 }),
    ChainCase(
      name: "x = sum(reshape(x, [1, 1]) · [[1.0001]])",
      step: { try $0.reshaped([1, 1]).matmul(Tensor(rows: [[1.0001]])).sum() },
      derivative: { _ in 1.0001 }, value: { $0 * 1.0001 }),
    // x as mse's target (mse keeps the target's flag, not the tensor).
    ChainCase(
      name: "x = mse(0, x, .sum) = x²",
      step: { try mse(Tensor(scalar: 0), $0, reduction: .sum) },
      derivative: { 2 * $0 }, value: { $0 * $0 }),
  ]
}

struct ChainResult: Sendable {
  var value = Double.nan
  var gradient = Double.nan
  var bytesAlive = -1
  var peakBytes = -1
  var error: String?
}

@Suite("Deep graphs")
struct DeepGraphTests {
  static let smallStack = 512 * 1024

  @Test("a 10,000-step chain runs backward without overflowing a 512 KB stack", arguments: ChainCases.all)
  func backwardThroughChain(_ c: ChainCase) async throws {
    let result = await onThread(stackSize: Self.smallStack) { () -> ChainResult in
      var r = ChainResult()
      let meter = MemoryMeter()
      do {
        try meter.measure {
          let x0 = Tensor(scalar: 0.5, requiresGrad: true)
          var x = x0
          for _ in 0..<ChainCases.steps { x = try c.step(x) }
          r.value = x.item()
          try x.backward()
          r.gradient = x0.grad?.item() ?? .nan
          r.bytesAlive = meter.currentBytes  // graph freed by backward, x still alive
        }
      } catch {
        r.error = "\(error)"
      }
      return r
    }
    #expect(result.error == nil)
    var value = 0.5, gradient = 1.0
    for _ in 0..<ChainCases.steps {
      gradient *= c.derivative(value)
      value = c.value(value)
    }
    #expect(isClose(result.value, value, tolerance: 1e-12))
    #expect(isClose(result.gradient, gradient, tolerance: 1e-10), "gradient \(result.gradient), expected \(gradient)")
    #expect(result.bytesAlive == 0)
  }

  @Test("a 10,000-step chain can be dropped without backward and without overflow", arguments: ChainCases.all)
  func dropChain(_ c: ChainCase) async throws {
    let result = await onThread(stackSize: Self.smallStack) { () -> ChainResult in
      var r = ChainResult()
      let meter = MemoryMeter()
      do {
        try meter.measure {
          let x0 = Tensor(scalar: 0.5, requiresGrad: true)
          var x = x0
          for _ in 0..<ChainCases.steps { x = try c.step(x) }
          r.value = x.item()
        }  // the whole graph goes here, with x
      } catch {
        r.error = "\(error)"
      }
      r.bytesAlive = meter.currentBytes
      r.peakBytes = meter.peakBytes
      return r
    }
    #expect(result.error == nil)
    #expect(result.peakBytes > 0)
    #expect(result.bytesAlive == 0)
  }

  @Test("an intermediate of a long chain kept alive keeps its own graph, and backward works from it")
  func keepIntermediate() async throws {
    let result = await onThread(stackSize: Self.smallStack) { () -> ChainResult in
      var r = ChainResult()
      do {
        let x0 = Tensor(scalar: 1, requiresGrad: true)
        var x = x0
        var middle: Tensor?
        for i in 0..<ChainCases.steps {
          x = try x * 1.0001
          if i == ChainCases.steps / 2 - 1 { middle = x }
        }
        x = Tensor(scalar: 0)  // drop the top half
        try middle!.backward()
        r.gradient = x0.grad?.item() ?? .nan
      } catch {
        r.error = "\(error)"
      }
      return r
    }
    #expect(result.error == nil)
    #expect(isClose(result.gradient, Foundation.pow(1.0001, Double(ChainCases.steps / 2)), tolerance: 1e-10))
  }

  @Test("an RNN unrolled over 2,000 steps: backward and drop on a 512 KB stack")
  func longRNN() async throws {
    let result = await onThread(stackSize: Self.smallStack) { () -> ChainResult in
      var r = ChainResult()
      let meter = MemoryMeter()
      do {
        var rng = SplitMix64(seed: 9)
        let rnn = RNN(inputSize: 1, hiddenSize: 2, outputSize: 1, rng: &rng)
        let sequence = Tensor.randn([1, 2_000, 1], rng: &rng)
        try meter.measure {
          try rnn(sequence).sum().backward()
          _ = try rnn(sequence).sum()  // recorded, then dropped unused
        }
        r.gradient = rnn.recurrentWeight.grad?.data.reduce(0, +) ?? .nan
        r.bytesAlive = meter.currentBytes
      } catch {
        r.error = "\(error)"
      }
      return r
    }
    #expect(result.error == nil)
    #expect(result.gradient.isFinite)
    #expect(result.bytesAlive == 0)
  }
}
