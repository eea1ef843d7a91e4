import Testing
@testable import WorkbookKit
@testable import StudentCommands
@testable import InstructorCommands
@testable import WorkbookCommand
@testable import Judge
import Harness

@Suite("Demo of exercise 3: gradient accumulation", .tags(.demos))
struct DemoAccumulationTests {
  @Test("The accumulated gradient and step equal the large batch's within 1e-10")
  func sameStep() throws {
    let run = try DemoFixture.defaults(.ex3)
    #expect(try run.value("maxGradientDifference") < 1e-10)
    #expect(try run.value("maxParameterDifference") < 1e-10)
    #expect(try run.value("finalParameterDifference") < 1e-8)
  }

  @Test("One micro-batch needs about a quarter of the large batch's activation memory")
  func memory() throws {
    let run = try DemoFixture.defaults(.ex3)
    let ratio = try run.value("peakBytesFullBatch") / run.value("peakBytesMicroBatch")
    #expect(abs(ratio - 4) < 0.1)
  }

  @Test("Under the budget the large batch runs out of memory and accumulation fits")
  func budget() throws {
    let run = try DemoFixture.defaults(.ex3)
    #expect(try run.fact("fullBatchUnderBudget") == "out of memory")
    #expect(try run.fact("accumulationUnderBudget") == "fits")
    #expect(try run.value("peakBytesAccumulation") <= run.value("budgetBytes"))
    #expect(run.text.contains("out of memory: recording"))
  }

  @Test("Without loss scaling the gradient is k times as long and far from the large batch's")
  func noScaling() throws {
    let run = try DemoFixture.run(.ex3) {
      $0.noScaling = true
      $0.steps = 20
    }
    #expect(abs(try run.value("unscaledGradientRatio") - 4) < 1e-9)
    #expect(try run.value("unscaledMaxGradientDifference") > 1e-3)
    #expect(try run.value("maxGradientDifference") < 1e-10)
    #expect(run.text.contains("NOT scaled"))
  }

  @Test("The small batch also trains for k times the steps, seeing every point the large batch saw")
  func equalSamples() throws {
    let run = try DemoFixture.defaults(.ex3)
    let row = try #require(run.summary.runs.first { $0.name == "batch of 64, 4× the steps" })
    #expect(row.value("loss, all") == (try run.value("equalSamplesFinalLoss")))
    #expect(run.text.contains("1200 × 64"), "the table counts its 1200 steps of 64 points")
    #expect(run.prose.contains("Given 4× the steps, it sees every point the large batch saw"))
    #expect(run.lines.allSatisfy { $0.count <= 80 }, "every line fits 80 columns")
  }
}
