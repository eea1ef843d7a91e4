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
}
