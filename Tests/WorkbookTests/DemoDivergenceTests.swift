import Foundation
import Testing
@testable import WorkbookKit
@testable import StudentCommands
@testable import InstructorCommands
@testable import WorkbookCommand
@testable import Judge
import Harness

// One rule for "diverged", said as it is, and files that leave the steps
// never computed empty.

@Suite("Demos: divergence", .tags(.demos))
struct DemoDivergenceTests {
  @Test(
    "A run diverges at its first inf or NaN loss, or above 1000 × its first step's loss",
    arguments: [
      ([1.0, 2, 999, 1001, 3], 4),
      ([1.0, 0.5, .nan], 3),
      ([2.0, 1999, 2000], nil),
      ([2.0, 2001], 2),
      ([Double.infinity, 1], 1),
      ([0.3, 0.2, 0.1], nil),
      ([Double](), nil),
    ] as [([Double], Int?)])
  func rule(losses: [Double], step: Int?) {
    #expect(Divergence.step(losses) == step)
  }

  @Test(
    "The first non-finite loss is named as it is",
    arguments: [([1.0, .infinity, .nan], 2, "inf"), ([1.0, 3, .nan], 3, "NaN"), ([1.0, -.infinity], 2, "-inf")])
  func nonFinite(losses: [Double], step: Int, kind: String) throws {
    let bad = try #require(Divergence.nonFinite(losses))
    #expect(bad.step == step)
    #expect(bad.kind == kind)
  }

  @Test("Notes say where a run diverged and where it turned inf or NaN")
  func notes() {
    #expect(Divergence.note([1, 5000, .infinity]) == "diverged at step 2, inf from step 3")
    #expect(Divergence.note([1, .nan]) == "diverged at step 2: NaN")
    #expect(Divergence.note([1, 5000, 6000]) == "diverged at step 2")
    #expect(Divergence.note([1, 0.5]) == nil)
  }

  @Test("A loss that explodes but stays finite is diverged (ex1 at learning rate 10)")
  func finiteExplosion() throws {
    let run = try DemoFixture.run(.ex1) {
      $0.learningRate = 10
      $0.steps = 50
    }
    #expect(try run.fact("unclippedDivergedAt") != "no")
    #expect(run.prose.contains("diverged at step"))
    #expect(!run.prose.contains("did not diverge"))
    #expect(run.prose.contains(Divergence.rule))
  }

  @Test("In the CSV, the loss is inf or NaN where it was, and the steps never computed are empty")
  func csvCells() throws {
    let directory = try DemoFixture.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = directory.appendingPathComponent("ex1.csv").path
    let run = try DemoFixture.run(.ex1) {
      $0.steps = 260
      $0.csvPath = path
    }
    let bad = Int(try run.value("unclippedNonFiniteAtStep"))
    let kind = try run.fact("unclippedNonFinite")
    try #require(bad < 260, "the default seed's unclipped run turns \(kind) before step 260")
    let rows = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
      .filter { !$0.isEmpty }.map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    #expect(rows[0][1] == "loss without clipping")
    #expect(rows.count == 261)
    #expect(rows[bad][1] == kind.lowercased())
    for row in rows[(bad + 1)...] {
      #expect(row[1].isEmpty && row[3].isEmpty, "step \(row[0]) was never computed: \(row)")
      #expect(!row[2].isEmpty, "the clipped run went on: \(row)")
    }
    #expect(rows.dropFirst().prefix(bad - 1).allSatisfy { Double($0[1])?.isFinite == true })
  }
}
