import Grading
import Testing
import WorkbookKit

// Exercise 1's demo with the reference solution and the default seed: the
// claims its output makes in class.

@Suite("Demo of exercise 1: clipping by norm", .tags(.demos))
struct DemoNormClippingTests {
  @Test("Without clipping the RNN diverges to NaN at the default seed")
  func unclippedDiverges() throws {
    let run = try DemoFixture.defaults(.ex1)
    #expect(try run.fact("unclippedDivergedAt") != "no")
    #expect(try run.value("unclippedDivergedAtStep") <= 500)
    #expect(try run.value("unclippedTestLoss").isNaN)
  }

  @Test("With maxNorm 1 it does not diverge and ends below the 1/6 baseline")
  func clippedLearns() throws {
    let run = try DemoFixture.defaults(.ex1)
    #expect(try run.fact("clippedDivergedAt") == "no")
    #expect(try run.value("clippedTestLoss") < 1.0 / 6)
    #expect(try run.fact("clippedBelowBaseline") == "yes")
    #expect(try run.value("baseline") == 1.0 / 6)
    #expect(try run.value("clippedSteps") > 0)
  }

  @Test("The summary says where the unclipped loss became NaN and marks the baseline")
  func printsVerdict() throws {
    let text = try DemoFixture.defaults(.ex1).text
    let step = Int(try DemoFixture.defaults(.ex1).value("unclippedDivergedAtStep"))
    #expect(text.contains("became NaN at step \(step)"))
    #expect(text.contains("diverged at step \(step)"))
    #expect(text.contains("1/6"))
  }

  @Test("The sweep runs every threshold from 0.25 to 10 and none, each in the table")
  func sweep() throws {
    let run = try DemoFixture.run(.ex1) {
      $0.sweep = true
      $0.steps = 30
    }
    for key in ["0.25", "0.5", "1", "2", "5", "10", "none"] {
      #expect(run.summary.facts["divergedAt[maxNorm \(key)]"] != nil, "no row for maxNorm \(key)")
    }
    #expect(run.text.contains("verdict"))
  }

  @Test("Momentum is passed to SGD and explained")
  func momentum() throws {
    let run = try DemoFixture.run(.ex1) {
      $0.momentum = 0.9
      $0.steps = 20
    }
    #expect(try run.value("momentum") == 0.9)
    #expect(run.text.contains("SGD with momentum 0.9"))
    #expect(run.text.contains("velocity"))
  }
}
