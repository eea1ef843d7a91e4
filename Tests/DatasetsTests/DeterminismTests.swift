import Autograd
import Testing
@testable import Datasets

/// Each generator, small enough to run in a blink.
enum Generator: String, CaseIterable, Sendable {
  case spirals, addingProblem, regression

  func make(seed: UInt64) throws -> Dataset {
    var rng = SplitMix64(seed: seed)
    switch self {
    case .spirals: return try .spirals(classes: 3, pointsPerClass: 20, rng: &rng)
    case .addingProblem: return try .addingProblem(count: 16, length: 12, rng: &rng)
    case .regression: return try .regression(count: 40, features: 3, outlierFraction: 0.1, rng: &rng)
    }
  }
}

@Suite("Determinism")
struct DeterminismTests {
  @Test("the same seed gives bit-identical inputs and targets", arguments: Generator.allCases)
  func sameSeed(_ generator: Generator) throws {
    let a = try generator.make(seed: 7)
    let b = try generator.make(seed: 7)
    #expect(a.inputs.data == b.inputs.data)
    #expect(a.targets.data == b.targets.data)
    #expect(a.inputs.shape == b.inputs.shape)
    #expect(a.targets.shape == b.targets.shape)
    #expect(a.outlierIndices == b.outlierIndices)
  }

  @Test("a different seed gives different data", arguments: Generator.allCases)
  func differentSeed(_ generator: Generator) throws {
    let a = try generator.make(seed: 7)
    let b = try generator.make(seed: 8)
    #expect(a.inputs.data != b.inputs.data)
  }

  @Test("generated data does not require gradients", arguments: Generator.allCases)
  func noGrad(_ generator: Generator) throws {
    let set = try generator.make(seed: 1)
    #expect(!set.inputs.requiresGrad)
    #expect(!set.targets.requiresGrad)
  }
}
