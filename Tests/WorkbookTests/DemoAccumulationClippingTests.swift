import Testing
@testable import WorkbookKit
@testable import StudentCommands
@testable import InstructorCommands
@testable import WorkbookCommand
@testable import Judge
import Harness

@Suite("Demo of exercise 4: accumulation plus clipping", .tags(.demos))
struct DemoAccumulationClippingTests {
  @Test("[2, 0] + [0, 2] at maxNorm 1: once [0.707, 0.707], each [0.447, 0.894]")
  func toy() throws {
    let run = try DemoFixture.defaults(.ex4)
    let half = 0.5.squareRoot()
    #expect(abs(try run.value("toyOnce0") - half) < 1e-5)
    #expect(abs(try run.value("toyOnce1") - half) < 1e-5)
    #expect(abs(try run.value("toyEach0") - 1 / 5.0.squareRoot()) < 1e-5)
    #expect(abs(try run.value("toyEach1") - 2 / 5.0.squareRoot()) < 1e-5)
    #expect(run.text.contains("[0.707, 0.707]"))
    #expect(run.text.contains("[0.447, 0.894]"))
  }

  @Test("Clipping once matches the clipped large batch within 1e-10, after one step and after training")
  func onceMatches() throws {
    let run = try DemoFixture.defaults(.ex4)
    #expect(try run.value("onceDifferenceAfterOneStep") < 1e-10)
    #expect(try run.value("onceDifferenceAfterTraining") < 1e-10)
    #expect(try run.value("onceMeanAngleDegrees") < 1e-3)
  }

  @Test("Clipping each micro-batch takes a different step")
  func eachDiffers() throws {
    let run = try DemoFixture.defaults(.ex4)
    #expect(try run.value("eachDifferenceAfterOneStep") > 1e-6)
    #expect(try run.value("eachMeanAngleDegrees") > 1)
  }

  @Test("The distance chart has a linear axis, so the wrong way's smooth rise is not drawn as a jump")
  func linearDistance() throws {
    let run = try DemoFixture.defaults(.ex4)
    let title = try #require(run.lines.firstIndex { $0.contains("Distance of the parameters") })
    #expect(run.lines[title + 1] == "L2 distance", "no (log scale)")
    #expect(run.prose.contains("rounding: drawn on 0"))
  }

  @Test("--clip-contributions adds the loop whose clipped pieces add up beyond maxNorm")
  func contributions() throws {
    let run = try DemoFixture.run(.ex4) {
      $0.clipContributions = true
      $0.steps = 40
    }
    #expect(run.summary.runs.contains { $0.name == "clip each, then add (wrong)" })
    let longest = try run.value("contributionsLongestGradient")
    #expect(longest > 1 && longest <= 4 + 1e-9, "between maxNorm and k × maxNorm: \(longest)")
    #expect(run.lines.allSatisfy { $0.count <= 80 }, "every line fits 80 columns")
    #expect(run.progressLines.contains { $0.hasPrefix("clip each, then add (wrong): step") })
  }
}
