// Test support: a central finite-difference gradient checker in the spirit of
// minitorch's `central_difference` / `grad_check`, plus the small helpers the
// other test files share (seeded inputs, float comparison, a small-stack
// thread).

import Autograd
import Foundation
import Testing

// MARK: - Tolerances

enum GradCheck {
  /// The step of the central difference, in double precision.
  static let step = 1e-6
  /// Relative error |a − n| / max(1e-8, |a| + |n|) allowed between the
  /// autograd gradient a and the central difference n. With h = 1e-6 the
  /// truncation error is O(h²·f‴) ≈ 1e-12 and the rounding error about
  /// ε·|y|/h ≈ 2e-10·|y|, so 1e-6 leaves ample room for a correct gradient and
  /// none for a wrong one.
  static let relativeTolerance = 1e-6
  /// Gradients smaller than the central difference can resolve (its rounding
  /// noise, ε·|y|/h ≈ 2e-10 per unit of output magnitude) cannot be checked
  /// relatively: sigmoid'(20) ≈ 2e-9 is computed from outputs that are 1 to
  /// within 2e-9. Below this absolute difference, times the case's
  /// `noiseScale`, a pair also passes. Every real bug seen so far is O(1).
  static let absoluteFloor = 1e-9
}

// MARK: - Inputs

/// Where the values of a checked input come from.
enum Domain: Sendable {
  /// N(0, 1).
  case normal
  /// U[low, high).
  case uniform(Double, Double)
  /// ±U[low, high) with a random sign: keeps relu's kink out of reach of h.
  case awayFromZero(Double, Double)
  /// Exactly these values (row-major).
  case values([Double])
}

/// One input of a gradient check.
struct InputSpec: Sendable, CustomStringConvertible {
  var shape: [Int]
  var domain: Domain = .normal
  var requiresGrad = true

  func make(_ rng: inout SplitMix64) -> Tensor {
    let n = shape.reduce(1, *)
    let values: [Double]
    switch domain {
    case .normal: values = (0..<n).map { _ in rng.normal() }
    case let .uniform(lo, hi): values = (0..<n).map { _ in rng.uniform(lo, hi) }
    case let .awayFromZero(lo, hi):
      values = (0..<n).map { _ in (rng.uniform() < 0.5 ? -1 : 1) * rng.uniform(lo, hi) }
    case let .values(v):
      precondition(v.count == n, "InputSpec: \(v.count) values for shape \(shape)")
      values = v
    }
    return Tensor(values, shape: shape, requiresGrad: requiresGrad)
  }

  var description: String { "\(shape)" }
}

/// Shorthands for the case tables.
func input(_ shape: [Int], _ domain: Domain = .normal, grad: Bool = true) -> InputSpec {
  InputSpec(shape: shape, domain: domain, requiresGrad: grad)
}

/// A stable seed from a case name (Swift's `hashValue` changes every run).
func seed(for name: String) -> UInt64 {
  var h: UInt64 = 0xcbf2_9ce4_8422_2325  // FNV-1a
  for byte in name.utf8 { h = (h ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
  return h
}

// MARK: - Cases

/// One parameterized gradient check: a function of some inputs.
struct GradCase: Sendable, CustomTestStringConvertible {
  let name: String
  let inputs: [InputSpec]
  /// The magnitude of the largest intermediate value relative to 1, which
  /// scales the rounding noise of the central difference (e.g. 1000 for
  /// logits around 1000). Multiplies `GradCheck.absoluteFloor` only.
  var noiseScale: Double = 1
  let f: @Sendable ([Tensor]) throws -> Tensor

  init(
    _ name: String, _ inputs: [InputSpec], noiseScale: Double = 1,
    _ f: @escaping @Sendable ([Tensor]) throws -> Tensor
  ) {
    self.name = name
    self.inputs = inputs
    self.noiseScale = noiseScale
    self.f = f
  }

  var testDescription: String { name }

  /// Builds the inputs from a seed derived from the name and checks them.
  func check(sourceLocation: SourceLocation = #_sourceLocation) throws {
    var rng = SplitMix64(seed: seed(for: name))
    let tensors = inputs.map { $0.make(&rng) }
    try expectGradientsMatch(
      tensors, seed: seed(for: name) &+ 1, noiseScale: noiseScale, sourceLocation: sourceLocation, f)
  }
}

// MARK: - The checker

/// One gradient element where autograd and the central difference disagree.
struct GradMismatch: CustomStringConvertible {
  let input: String
  let element: Int
  let autograd: Double
  let numeric: Double
  var relativeError: Double { abs(autograd - numeric) / max(1e-8, abs(autograd) + abs(numeric)) }
  var description: String {
    "\(input) element \(element): autograd \(autograd), central difference \(numeric) "
      + "(relative error \(relativeError))"
  }
}

/// The fixed random weighting that turns any output into a scalar,
/// L = Σᵢ wᵢ·yᵢ, so every output element matters. Weights are ±U[0.5, 1.5):
/// never near zero, so no element's gradient is hidden.
func randomWeights(count: Int, seed: UInt64) -> [Double] {
  var rng = SplitMix64(seed: seed)
  return (0..<count).map { _ in (rng.uniform() < 0.5 ? -1 : 1) * rng.uniform(0.5, 1.5) }
}

/// minitorch's `central_difference`: ∂L/∂x[input][element] ≈
/// (L(x + h) − L(x − h)) / 2h with L = Σ weights · f(inputs), every input
/// held fixed except one element.
///
/// L(x ± h) is formed as Σ wᵢ·(yᵢ(x+h) − yᵢ(x−h)), the same number
/// mathematically, so that unaffected outputs do not add rounding noise; and
/// the step is the one actually taken, (x+h) − (x−h) in floating point.
/// Runs inside `noGrad` (nothing needs recording) and restores the element.
func centralDifference(
  _ inputs: [Tensor], input index: Int, element: Int, weights: [Double], h: Double = GradCheck.step,
  _ f: ([Tensor]) throws -> Tensor
) throws -> Double {
  let x = inputs[index]
  let original = x.data[element]
  defer { x.data[element] = original }
  x.data[element] = original + h
  let up = x.data[element]
  let yUp = try noGrad { try f(inputs) }.data
  x.data[element] = original - h
  let down = x.data[element]
  let yDown = try noGrad { try f(inputs) }.data
  var total = 0.0
  for i in weights.indices { total += weights[i] * (yUp[i] - yDown[i]) }
  return total / (up - down)
}

/// minitorch's `grad_check`: runs `f` once with autograd, seeds the backward
/// pass with fixed random weights (equivalent to `(f(x) * w).sum().backward()`),
/// and compares the gradient of every input that requires one, element by
/// element, with `centralDifference`. Inputs that do not require a gradient
/// must be left without one. Returns the disagreements.
func gradientMismatches(
  _ inputs: [Tensor], names: [String]? = nil, seed: UInt64, noiseScale: Double = 1,
  _ f: ([Tensor]) throws -> Tensor
) throws -> [GradMismatch] {
  let names = names ?? inputs.indices.map { "input \($0) \(inputs[$0].shape)" }
  for x in inputs { x.zeroGrad() }
  let y = try f(inputs)
  let weights = randomWeights(count: y.count, seed: seed)
  #expect(y.data.allSatisfy { $0.isFinite }, "forward output is not finite: \(y)")
  if inputs.contains(where: \.requiresGrad) {
    try #require(y.requiresGrad, "the output of a function of inputs that require grad must require grad")
    try y.backward(gradient: Tensor(weights, shape: y.shape))
  }

  var mismatches: [GradMismatch] = []
  let floor = GradCheck.absoluteFloor * noiseScale
  for (index, x) in inputs.enumerated() {
    guard x.requiresGrad else {
      #expect(x.grad == nil, "\(names[index]) does not require grad but received one")
      continue
    }
    let grad = try #require(x.grad, "\(names[index]) requires grad but received none")
    try #require(grad.shape == x.shape, "\(names[index]): gradient shape \(grad.shape) ≠ \(x.shape)")
    for element in 0..<x.count {
      let a = grad.data[element]
      let n = try centralDifference(inputs, input: index, element: element, weights: weights, f)
      let m = GradMismatch(input: names[index], element: element, autograd: a, numeric: n)
      if !a.isFinite || !(m.relativeError < GradCheck.relativeTolerance || abs(a - n) < floor) {
        mismatches.append(m)
      }
    }
  }
  return mismatches
}

/// `gradientMismatches`, recording an issue for each disagreement (at most
/// five, then a count) at the caller's location.
func expectGradientsMatch(
  _ inputs: [Tensor], names: [String]? = nil, seed: UInt64, noiseScale: Double = 1,
  sourceLocation: SourceLocation = #_sourceLocation, _ f: ([Tensor]) throws -> Tensor
) throws {
  let mismatches = try gradientMismatches(inputs, names: names, seed: seed, noiseScale: noiseScale, f)
  for m in mismatches.prefix(5) {
    Issue.record("gradient mismatch: \(m)", sourceLocation: sourceLocation)
  }
  if mismatches.count > 5 {
    Issue.record("… and \(mismatches.count - 5) more gradient mismatches", sourceLocation: sourceLocation)
  }
}

// MARK: - Float comparison

/// |actual − expected| ≤ tolerance · max(1, |expected|), elementwise: a
/// relative tolerance for large values, an absolute one near zero.
func isClose(_ actual: [Double], _ expected: [Double], tolerance: Double) -> Bool {
  actual.count == expected.count
    && zip(actual, expected).allSatisfy { a, e in abs(a - e) <= tolerance * max(1, abs(e)) }
}

func isClose(_ actual: Double, _ expected: Double, tolerance: Double) -> Bool {
  isClose([actual], [expected], tolerance: tolerance)
}

/// The bit patterns, for comparisons where bit-identity is the point.
func bits(_ values: [Double]) -> [UInt64] { values.map(\.bitPattern) }

// MARK: - Threads

/// Runs `body` on a new thread with a `stackSize`-byte stack and returns its
/// result. Swift Testing's worker threads may have large stacks; a deep
/// recursion should fail here, on a stack the size of a secondary thread's on
/// macOS (512 KB), not pass by luck.
func onThread<T: Sendable>(stackSize: Int, _ body: @escaping @Sendable () -> T) async -> T {
  await withCheckedContinuation { (continuation: CheckedContinuation<T, Never>) in
    let thread = Thread { continuation.resume(returning: body()) }
    thread.stackSize = stackSize
    thread.start()
  }
}
