import AnswerKey
import Testing
@testable import WorkbookKit
import Harness

@Suite("Demo of exercise 7: gradient health", .tags(.demos))
struct DemoGradientHealthTests {
  /// The unclipped run's NaN hunt with `code`: the step recorded, the
  /// parameter named, and the prose.
  static func hunt(_ run: DemoRun) throws -> (step: Int, name: String) {
    let step = Int(try run.value("nonFiniteStep"))
    let name = try run.fact("firstNonFinite")
    #expect(run.prose.contains("at step \(step) a gradient first held NaN or inf"), "\(run.text)")
    #expect(run.prose.contains("the report names \(name) first"), "\(run.text)")
    return (step, name)
  }

  @Test("The NaN hunt names the step and the parameter the student's report finds first in backward order")
  func nanHunt() throws {
    let run = try DemoFixture.defaults(.ex7)
    let (step, name) = try Self.hunt(run)
    #expect(name.wholeMatch(of: #/layers\.[0-4]\.(weight|bias)/#) != nil, "\(name)")
    // It is the report's search that is shown: searched forward, the same
    // step names a parameter nearer the input.
    let forward = try #require(KnownMistake.catalogue.first { $0.name == "firstNonFiniteForward" })
    let output = CollectingOutput()
    let summary = try Demos.run(.ex7, code: forward.code, options: DemoOptions(), output: output)
    let forwardRun = DemoRun(summary: summary, lines: output.lines, progressLines: output.progressLines)
    let (forwardStep, forwardName) = try Self.hunt(forwardRun)
    #expect(forwardStep == step)
    #expect(forwardName == "layers.0.weight", "\(forwardName)")
    #expect(forwardName != name)
  }

  @Test("A norm that overflows before any entry does is explained, not mistaken for the first bad gradient")
  func normOverflow() throws {
    let run = try DemoFixture.defaults(.ex7)
    let step = Int(try run.value("nonFiniteStep"))
    let overflow = try #require(run.prose.firstMatch(of: #/The chart's norms reach inf from step (\d+)/#))
    #expect(Int(overflow.1)! < step)
    #expect(run.prose.contains("their squares add up past Double's largest value"))
  }

  @Test("Without clipping the run diverges; clipped by norm, by AGC and with centralization it trains")
  func fourRuns() throws {
    let run = try DemoFixture.defaults(.ex7)
    let runs = Dictionary(uniqueKeysWithValues: run.summary.runs.map { ($0.name, $0) })
    #expect(runs.count == 4)
    #expect(runs["no clipping"]?.diverged == true)
    for name in ["clipGradNorm 1", "AGC 0.01", "AGC + centralization"] {
      #expect(runs[name]?.diverged == false, "\(name)")
    }
  }

  @Test("The logged norm is above maxNorm where clipping worked; the step's norm never is")
  func loggedNorm() throws {
    let run = try DemoFixture.defaults(.ex7)
    #expect(try run.value("loggedAbove") > 0)
    #expect(try run.value("largestAfter") <= run.value("maxNorm") * (1 + 1e-9))
    #expect(run.prose.contains("clipGradNorm returns the norm *before* clipping"))
  }
}
