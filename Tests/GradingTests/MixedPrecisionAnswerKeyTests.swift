import Autograd
import Datasets
@testable import Grading
import Testing

/// Exercise 5's answer key is right where its checks say it is: in Double
/// with scale 1 it is exercise 4's large-batch step with AdamW and warmup,
/// and the runs the checks call overflowing and growing really are.
@Suite("Exercise 5's answer key is right where the checks rely on it", .tags(.correct))
struct MixedPrecisionAnswerKeyTests {
  /// A Double run with scale 1 and no growth: the checks' own, and one
  /// with a classifier and unequal micro-batches.
  static func doubleScenario(_ index: Int) throws -> MixedPrecisionScenario {
    let checks = try MixedPrecisionChecks.loopScenarios("double-equivalence").scenarios
    var s =
      index < checks.count
      ? checks[index]
      : MixedPrecisionChecks.scenario(
        .classifier(seed: 56), sizes: [6, 2, 5, 3, 4, 7, 1], steps: 3, seed: 56, scale: LossScale(), half: false)
    s.lossScale = LossScale(initScale: 1, growthInterval: 1_000_000)
    return s
  }

  /// Exercise 4's step with AdamW and warmup, written out: per window one
  /// backward() of the joined batch, the clip of PyTorch's formula, then
  /// the engine's AdamW and LinearWarmup. Parameters, loss and norm after
  /// each window.
  static func largeBatchTrajectory(_ s: MixedPrecisionScenario) throws -> [(state: Values, loss: Double, norm: Double)]
  {
    let batches = try s.problem.microBatches(sizes: s.sizes, seed: s.seed)
    let model = s.problem.makeModel()
    let optimizer = AdamW(model.parameters(), lr: s.learningRate)
    let scheduler = LinearWarmup(optimizer, warmupSteps: s.warmupSteps)
    var trajectory: [(state: Values, loss: Double, norm: Double)] = []
    for start in stride(from: 0, to: batches.count, by: s.steps) {
      let window = try Batch.concatenated(Array(batches[start..<min(start + s.steps, batches.count)]))
      optimizer.zeroGrad()
      let loss = try s.problem.lossFunction(model(window.inputs), window.targets)
      try loss.backward()
      let grads = model.parameters().map { $0.grad!.data }
      for (p, clipped) in zip(model.parameters(), Oracle.clipByNorm(grads, maxNorm: s.maxNorm)) { p.grad!.data = clipped }
      optimizer.step()
      scheduler.step()
      trajectory.append((values(of: model), loss.item(), Oracle.totalNorm(grads)))
    }
    return trajectory
  }

  @Test("With Double gradients and scale 1, every window of the answer key is exercise 4's step", arguments: 0..<3)
  func doubleIsLargeBatch(_ index: Int) throws {
    let s = try Self.doubleScenario(index)
    let expected = try Self.largeBatchTrajectory(s)
    let batches = try s.problem.microBatches(sizes: s.sizes, seed: s.seed)
    // The answer key's run over the first w windows, for every w: its
    // parameters after each window.
    for w in 1...expected.count {
      let model = s.problem.makeModel()
      let optimizer = AdamW(model.parameters(), lr: s.learningRate)
      let scheduler = LinearWarmup(optimizer, warmupSteps: s.warmupSteps)
      var lossScale = s.lossScale
      let records = try MixedPrecisionOracle.train(
        model, optimizer, scheduler, Array(batches.prefix(w * s.steps)), s.steps, s.problem.lossFunction, s.maxNorm,
        &lossScale, bug: nil)
      let record = try #require(records.last)
      #expect(records.count == w)
      #expect(record.stepped && record.scale == 1)
      #expect(relativeDistance(values(of: model), expected[w - 1].state) <= 1e-12, "window \(w)")
      #expect(relativeDistance([record.loss], [expected[w - 1].loss]) <= 1e-12, "window \(w)")
      #expect(relativeDistance([record.gradNorm], [expected[w - 1].norm]) <= 1e-12, "window \(w)")
      #expect(lossScale.scale == 1 && lossScale.growthTracker == w)
    }
  }

  /// The runs of the checks that say they overflow.
  static let overflowRuns = ["overflow-skips 0", "overflow-skips 1", "schedule 0"]

  @Test("The checks' overflow runs skip a window, halve the scale, then step again", arguments: overflowRuns)
  func overflowRunsSkip(_ run: String) throws {
    let parts = run.split(separator: " ")
    let s = try MixedPrecisionChecks.loopScenarios(String(parts[0])).scenarios[Int(parts[1])!]
    let records = try MixedPrecisionOracle.outcome(s).records
    let skipped = try #require(records.firstIndex { !$0.stepped }, "no window skipped: \(records)")
    #expect(skipped + 1 < records.count && records[skipped + 1].scale == records[skipped].scale / 2)
    #expect(records.contains { $0.stepped }, "every window skipped: \(records)")
  }

  @Test("The checks' runs without overflow take every step", arguments: ["half-precision", "scale-grows", "recurrent-model"])
  func cleanRunsStep(_ id: String) throws {
    for s in try MixedPrecisionChecks.loopScenarios(id).scenarios {
      let records = try MixedPrecisionOracle.outcome(s).records
      #expect(records.allSatisfy { $0.stepped }, "\(records)")
    }
  }

  @Test("In scale-grows the scale really doubles, every growthInterval windows")
  func scaleGrows() throws {
    let s = try #require(try MixedPrecisionChecks.loopScenarios("scale-grows").scenarios.first)
    let outcome = try MixedPrecisionOracle.outcome(s)
    let interval = s.lossScale.growthInterval
    let initial = s.lossScale.scale
    for (w, record) in outcome.records.enumerated() {
      #expect(record.scale == initial * Double(1 << (w / interval)), "window \(w + 1)")
    }
    #expect(outcome.records.count >= 2 * interval, "the scale should double at least twice")
    #expect(outcome.lossScale.scale == initial * Double(1 << (outcome.records.count / interval)))
  }
}
