import Testing
@testable import WorkbookKit
@testable import StudentCommands
@testable import InstructorCommands
@testable import WorkbookCommand
@testable import Judge
import Harness

@Suite("Demo of exercise 2: clipping by value", .tags(.demos))
struct DemoValueClippingTests {
  @Test("[3, 4] clipped by norm keeps its direction: 0°, length 1")
  func normKeepsDirection() throws {
    let run = try DemoFixture.defaults(.ex2)
    #expect(abs(try run.value("angleByNormDegrees")) < 1e-6)
    #expect(abs(try run.value("lengthByNorm") - 1) < 1e-5)
  }

  @Test("[3, 4] clipped by value turns by about 8.13° and is √2 long")
  func valueTurns() throws {
    let run = try DemoFixture.defaults(.ex2)
    #expect(abs(try run.value("angleByValueDegrees") - 8.130102) < 1e-4)
    #expect(abs(try run.value("lengthByValue") - 2.0.squareRoot()) < 1e-12)
    #expect(run.text.contains("8.13°"))
  }

  @Test("The three runs share a start: no clipping diverges, value and norm clipping do not")
  func runs() throws {
    let run = try DemoFixture.defaults(.ex2)
    #expect(try run.fact("unclippedDivergedAt") != "no")
    #expect(try run.fact("valueClippedDivergedAt") == "no")
    #expect(try run.fact("normClippedDivergedAt") == "no")
    #expect(try run.value("valueClippedTestLoss") < 1.0 / 6)
    #expect(try run.value("normClippedTestLoss") < 1.0 / 6)
    #expect(try run.value("meanAngleByValueDegrees") > 0)
  }

  @Test("The legend says the unclipped run is drawn as ↑ only, since its ◆ appears nowhere")
  func onlyArrowsLegend() throws {
    let run = try DemoFixture.defaults(.ex2)
    let legend = try #require(run.lines.firstIndex { $0.hasPrefix("◆ no clipping") })
    let text = run.lines[legend...].prefix(2).joined(separator: " ")
    #expect(text.contains("only ↑: above 1 from step 1"), "\(text)")
  }

  @Test("The 2-D paragraph gives the value-clipped length without a 'still'")
  func lengthSentence() throws {
    let run = try DemoFixture.defaults(.ex2)
    #expect(!run.prose.contains("and still"))
    #expect(run.prose.contains("of length 1.414: no threshold sets that length"))
  }

  @Test("--outliers trains the three ways on the outlier regression, each seed the same")
  func outliers() throws {
    let configure: (inout DemoOptions) -> Void = {
      $0.outliers = true
      $0.steps = 60
    }
    let run = try DemoFixture.run(.ex2, configure)
    #expect(run.summary.runs.map(\.name) == ["no clipping", "by value, clipValue 0.1", "by norm, maxNorm 1"])
    #expect(run.summary.runs[0].diverged)
    #expect(!run.summary.runs[1].diverged && !run.summary.runs[2].diverged)
    #expect(try run.value("outliersMeanAngle") > 0)
    #expect(run.text.contains("Test MSE on clean held-out samples"))
    #expect(run.lines.allSatisfy { $0.count <= 80 }, "every line fits 80 columns")
    let again = try DemoFixture.run(.ex2, configure)
    #expect(try again.value("outliersValueTestLoss") == run.value("outliersValueTestLoss"))
  }
}
