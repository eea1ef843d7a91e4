import Testing
@testable import WorkbookKit
@testable import StudentCommands
@testable import InstructorCommands
@testable import WorkbookCommand
@testable import Judge
import Harness

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

  @Test("The summary says where the unclipped run diverged, where its loss was inf or NaN, and marks the baseline")
  func printsVerdict() throws {
    let run = try DemoFixture.defaults(.ex1)
    let step = Int(try run.value("unclippedDivergedAtStep"))
    let bad = Int(try run.value("unclippedNonFiniteAtStep"))
    let kind = try run.fact("unclippedNonFinite")
    #expect(step < bad)
    #expect(run.prose.contains("the run diverged at step \(step)"))
    #expect(run.prose.contains("the loss was \(kind) from step \(bad)"))
    #expect(run.text.contains("diverged at step \(step), \(kind) from step \(bad)"), "the legend says both")
    #expect(run.text.contains("1/6"))
  }

  @Test("--length and --hidden change the RNN, and the text says so")
  func lengthAndHidden() throws {
    let run = try DemoFixture.run(.ex1) {
      $0.length = 50
      $0.hidden = 16
      $0.steps = 5
    }
    #expect(try run.value("length") == 50)
    #expect(try run.value("hidden") == 16)
    #expect(run.prose.contains("Elman RNN (hidden 16) on the adding problem (T = 50)"))
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

  @Test("The loss legend says which steps each run spent above the axis, not 'from step 1' for both")
  func offScaleLegend() throws {
    let run = try DemoFixture.defaults(.ex1)
    let clipped = try #require(run.lines.first { $0.contains("clipped, maxNorm 1") })
    #expect(clipped.contains("at steps 1–") || clipped.contains("at step 1"), "\(clipped)")
    #expect(!clipped.contains("from step 1"), "\(clipped)")
  }

  @Test("A clipped run that stays finite but ends above 1/6 is not said to have trained")
  func momentumFailure() throws {
    let run = try DemoFixture.run(.ex1) {
      $0.momentum = 0.9
      $0.threshold = 10
    }
    #expect(try run.fact("clippedDivergedAt") == "no")
    #expect(try run.value("clippedTestLoss") >= 1.0 / 6)
    #expect(run.prose.contains("stayed finite but learned nothing useful"))
    #expect(!run.prose.contains("it trained to"))
  }

  @Test("The gradient reaching each input position is measured before and after training")
  func positionGradients() throws {
    let run = try DemoFixture.defaults(.ex1)
    #expect(try run.value("positionRatioBefore") > 0)
    #expect(try run.value("positionRatioAfter") > 0)
    #expect(run.text.contains("Gradient reaching each input position"))
    #expect(run.prose.contains("the gradient that reaches the first input position is"))
  }

  @Test("--lrs trains with and without clipping at each rate, and the table says which diverged")
  func learningRates() throws {
    let run = try DemoFixture.run(.ex1) {
      $0.learningRates = [0.01, 0.3]
      $0.steps = 60
    }
    let names = run.summary.runs.map(\.name)
    #expect(names == ["lr 0.01, no clipping", "lr 0.01, maxNorm 1", "lr 0.3, no clipping", "lr 0.3, maxNorm 1"])
    #expect(run.summary.runs[2].diverged, "lr 0.3 without clipping diverges")
    #expect(!run.summary.runs[3].diverged, "lr 0.3 clipped does not")
    #expect(run.text.contains("diverged, step"))
    #expect(run.prose.contains("Largest rate that did not diverge: 0.01 without clipping, 0.3 with maxNorm 1."))
    #expect(run.lines.allSatisfy { $0.count <= 80 }, "every line fits 80 columns")
    #expect(run.progressLines.contains { $0.hasPrefix("lr 0.3, maxNorm 1: step") })
  }
}
