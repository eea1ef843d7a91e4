import AnswerKey
import Autograd
import Contract
import Datasets
import Harness
import Measures
import Testing

/// Exercise 6's checks compare a student's run with the reference's. These
/// tests prove that the reference's is the large batch's: the engine's own
/// step on the window's strings padded into one batch, to 1e-12.
@Suite("Exercise 6's reference takes the large batch's step", .tags(.correct))
struct LargeBatchEquivalenceTests {
  static let code = ReferenceCode.code.ex6!

  /// The engine's step on one padded batch, and the gradient it used.
  static func largeStep(_ problem: TokenProblem, _ model: any Module, _ batch: TokenBatch) throws -> [[Double]] {
    let optimizer = GradientRecordingSGD(model.parameters(), lr: TokenProblem.learningRate)
    optimizer.zeroGrad()
    try tokenCrossEntropy(model(batch.inputs), batch.targets).mean().backward()
    optimizer.step()
    return try #require(optimizer.lastGradient)
  }

  static func relative(_ a: [[Double]], _ b: [[Double]]) -> Double {
    Compare.norm(zip(a, b).map { zip($0, $1).map { $0 - $1 } }) / Compare.norm(b)
  }

  @Test("Token-weighted windows, a short last one among them, are the large batch's steps", arguments: [61, 62, 63] as [UInt64])
  func tokens(seed: UInt64) throws {
    let sizes = [1, 5, 2, 6, 1]
    let problem = try TokenProblem(seed: seed, sequences: sizes.reduce(0, +), hidden: [8])
    let batches = try problem.microBatches(sizes: sizes)
    let model = problem.makeModel(), large = problem.makeModel()
    let optimizer = GradientRecordingSGD(model.parameters(), lr: TokenProblem.learningRate)
    var start = 0
    for window in [0..<3, 3..<5] {
      _ = try Self.code.trainWithTokenAccumulation(model, optimizer, Array(batches[window]), 3, problem.lossFunction)
      let joined = try problem.joined(Array(batches[window]), from: start)
      start += batches[window].reduce(0) { $0 + $1.sequenceCount }
      let expected = try Self.largeStep(problem, large, joined)
      #expect(Self.relative(try #require(optimizer.lastGradient), expected) < 1e-12)
    }
    #expect(Compare.largestDifference(Compare.parameters(of: model), Compare.parameters(of: large)) < 1e-12)
  }

  @Test("Three workers' window is the large batch's step over all their strings", arguments: [64, 65] as [UInt64])
  func workers(seed: UInt64) throws {
    let sizes = [[1, 1], [4, 3], [2, 5]]
    let problem = try TokenProblem(seed: seed, sequences: sizes.joined().reduce(0, +), hidden: [8])
    var start = 0
    let workers = try sizes.enumerated().map { rank, own -> Worker in
      defer { start += own.reduce(0, +) }
      let model = problem.makeModel()
      return Worker(
        rank: rank, model: model, optimizer: GradientRecordingSGD(model.parameters(), lr: TokenProblem.learningRate),
        microBatches: try problem.microBatches(sizes: own, from: start))
    }
    try Self.code.trainDataParallel(workers, 2, problem.lossFunction, ProcessGroup(worldSize: 3))
    let all = try problem.data.batch(Array(0..<start), context: TokenProblem.context)
    let expected = try Self.largeStep(problem, problem.makeModel(), all)
    for worker in workers {
      let used = try #require((worker.optimizer as? GradientRecordingSGD)?.lastGradient)
      #expect(Self.relative(used, expected) < 1e-12)
    }
  }
}
