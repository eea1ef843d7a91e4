import Autograd
import Testing
@testable import WorkbookKit
@testable import StudentCommands
@testable import InstructorCommands
@testable import WorkbookCommand
@testable import Judge
import Harness

@Suite("Demo of exercise 6: where accumulation stops being the large batch", .tags(.demos))
struct DemoAccumulationLimitsTests {
  @Test("Token weighting takes the large batch's step; the mean of token means does not")
  func tokens() throws {
    let run = try DemoFixture.defaults(.ex6)
    #expect(try run.value("tokenGradientGap") < 1e-10)
    #expect(try run.value("tokenFinalParameterDifference") < 1e-8)
    #expect(try run.value("meanOfMeansGradientGap") > 1e-2)
    #expect(run.text.contains("mean of token means (wrong)"))
  }

  @Test("The workers take the large batch's step with one gradient all-reduce per step, k without no_sync")
  func workers() throws {
    let run = try DemoFixture.defaults(.ex6)
    let steps = try run.value("workerSteps")
    #expect(try run.value("workersGradientGap") < 1e-10)
    #expect(try run.value("workersFinalParameterDifference") < 1e-8)
    #expect(try run.value("gradientAllReduces") == steps)
    #expect(try run.value("scalarAllReduces") == steps)
    #expect(try run.value("backwardPerWorker") == Double(AccumulationLimitsDemo.microBatchesPerWorker) * steps)
    #expect(run.text.contains("DDP without no_sync"))
  }

  @Test("LayerNorm accumulates to the large batch's step and BatchNorm does not")
  func norms() throws {
    let run = try DemoFixture.defaults(.ex6)
    #expect(try run.value("layerNormGap") < 1e-10)
    #expect(try run.value("layerNormFinalParameterDifference") < 1e-8)
    #expect(try run.value("batchNormGap") > 1e-2)
    #expect(try run.value("batchNormAccumulatedFinalLoss") > run.value("batchNormLargeBatchFinalLoss"))
  }

  @Test("--norm batch shows the Challenge alone, for BatchNorm")
  func challenge() throws {
    let run = try DemoFixture.run(.ex6) {
      $0.norm = .batch
      $0.steps = 20
    }
    #expect(run.summary.values["batchNormGap"] != nil)
    #expect(run.summary.values["layerNormGap"] == nil)
    #expect(run.summary.values["tokenGradientGap"] == nil)
    #expect(run.text.contains("BatchNorm under accumulation"))
  }

  @Test("--norm is parsed for ex6 alone, batch or layer")
  func parsing() throws {
    guard case let .run(options) = try Command.parse(["run", "ex6", "--norm", "layer"]) else {
      Issue.record("not a run command")
      return
    }
    #expect(options.demo.norm == .layer)
    #expect(throws: UsageError.notApplicable(option: "--norm", exercise: "ex3", appliesTo: "ex6", verb: .run)) {
      try Command.parse(["run", "ex3", "--norm", "batch"])
    }
    #expect(throws: UsageError.invalidValue(option: "--norm", value: "group", expected: "batch or layer", verb: .run)) {
      try Command.parse(["run", "ex6", "--norm", "group"])
    }
  }
}
