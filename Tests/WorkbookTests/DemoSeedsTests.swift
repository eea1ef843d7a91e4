import AnswerKey
import Charts
import Foundation
import Testing
@testable import WorkbookKit
@testable import StudentCommands
@testable import InstructorCommands
@testable import WorkbookCommand
@testable import Judge
import Harness

// The multi-seed summary, markers that stay with their run, and the width
// of everything the demos print.

@Suite("Demos: seeds, markers and width", .tags(.demos))
struct DemoSeedsTests {
  static func seeds(_ exercise: Exercise, _ seeds: [UInt64], _ configure: (inout DemoOptions) -> Void) throws -> DemoRun {
    var options = DemoOptions()
    configure(&options)
    let output = CollectingOutput()
    let summary = try Demos.runSeeds(seeds, exercise, code: ReferenceCode.code, options: options, output: output)
    return DemoRun(summary: summary, lines: output.lines, progressLines: output.progressLines)
  }

  @Test("--seeds runs every seed quietly and prints, per run, the seeds that diverged and each number's mean and range")
  func summary() throws {
    let run = try Self.seeds(.ex1, [1, 2, 3]) { $0.steps = 40 }
    #expect(run.lines.first == "Exercise 1 · Gradient clipping by norm, 3 seeds")
    #expect(run.progressLines.contains { $0.hasPrefix("seed 2 (2/3) · without clipping: step") })
    #expect(!run.text.contains("Training loss"), "no charts of single seeds")
    #expect(try run.value("diverged[without clipping]") == 3)
    #expect(try run.value("diverged[maxNorm 1]") == 0)
    let low = try run.value("min[maxNorm 1: test MSE]")
    let high = try run.value("max[maxNorm 1: test MSE]")
    let mean = try run.value("mean[maxNorm 1: test MSE]")
    #expect(low < high && low <= mean && mean <= high)
    #expect(try run.value("count[maxNorm 1: test MSE]") == 3)
    #expect(run.lines.contains { $0.hasPrefix("│ without clipping ") && $0.contains("3/3") })
    #expect(run.lines.contains { $0.contains("│   test MSE ") && $0.contains("\(ChartFormat.compact(low)) – \(ChartFormat.compact(high))") })
    #expect(run.text.contains("Seeds 1–3,") || run.text.contains("Seeds 1, 2, 3,"))
  }

  @Test("Each seed's run is the single run at that seed")
  func sameAsSingle() throws {
    let many = try Self.seeds(.ex3, [2, 5]) { $0.steps = 10 }
    let single = try DemoFixture.run(.ex3) {
      $0.steps = 10
      $0.seed = 5
    }
    let one = try #require(single.summary.runs.first { $0.name == "one batch of 256" })
    #expect(try many.value("max[one batch of 256: loss, all]") >= one.value("loss, all")!)
    #expect(try many.value("min[one batch of 256: loss, all]") <= one.value("loss, all")!)
  }

  @Test("The sweep over seeds counts which threshold reached the lowest test MSE")
  func sweepChoice() throws {
    let run = try Self.seeds(.ex1, [1, 2]) {
      $0.sweep = true
      $0.steps = 20
    }
    #expect(run.text.contains("Lowest test MSE: "))
    #expect(run.lines.allSatisfy { $0.count <= 80 }, "\(run.lines.max { $0.count < $1.count } ?? "")")
  }

  @Test(
    "A run keeps its glyph whatever else is drawn",
    arguments: [("one batch of 256", Exercise.ex3), ("batch of 64, no accumulation", .ex3)])
  func markers(name: String, exercise: Exercise) throws {
    let plain = try DemoFixture.run(exercise) { $0.steps = 12 }
    let more = try DemoFixture.run(exercise) {
      $0.steps = 12
      $0.noScaling = true
    }
    let glyphs = [plain, more].map { run in Self.legendGlyph(of: name, in: run.lines) }
    #expect(glyphs[0] != nil)
    #expect(glyphs[0] == glyphs[1], "\(glyphs)")
  }

  @Test("ex1's runs have the same glyph in the loss and the norm chart")
  func markersAcrossCharts() throws {
    let lines = try DemoFixture.defaults(.ex1).lines
    let unclipped = lines.filter { $0.hasSuffix(" without clipping") }.compactMap(\.first)
    #expect(unclipped.count == 2 && Set(unclipped).count == 1, "\(unclipped)")
  }

  /// The glyph in front of `name` in a chart legend.
  static func legendGlyph(of name: String, in lines: [String]) -> Character? {
    for line in lines where !line.hasPrefix("│") && !line.hasPrefix("┌") {
      guard let range = line.range(of: " " + name) else { continue }
      let before = line[..<range.lowerBound]
      if let glyph = before.last, !glyph.isLetter, !glyph.isWhitespace, glyph != "│" { return glyph }
    }
    return nil
  }

  static let configurations: [(String, Exercise, DemoOptions)] = {
    func make(_ name: String, _ exercise: Exercise, _ configure: (inout DemoOptions) -> Void) -> (String, Exercise, DemoOptions) {
      var options = DemoOptions()
      options.steps = 40
      configure(&options)
      return (name, exercise, options)
    }
    return [
      make("ex1 --sweep", .ex1) { $0.sweep = true },
      make("ex1 --sweep --momentum 0.9 --steps 300", .ex1) {
        $0.sweep = true
        $0.momentum = 0.9
        $0.steps = 300
      },
      make("ex1 --lr 10", .ex1) { $0.learningRate = 10 },
      make("ex1 --length 50 --hidden 16", .ex1) {
        $0.length = 50
        $0.hidden = 16
      },
      make("ex2 --threshold 0.1", .ex2) { $0.threshold = 0.1 },
      make("ex3 --accumulation-steps 3 --no-scaling", .ex3) {
        $0.accumulationSteps = 3
        $0.noScaling = true
      },
      make("ex3 --accumulation-steps 256", .ex3) { $0.accumulationSteps = 256 },
      make("ex4 --accumulation-steps 32", .ex4) { $0.accumulationSteps = 32 },
      make("ex4 --accumulation-steps 3", .ex4) { $0.accumulationSteps = 3 },
      make("ex6 --accumulation-steps 16 --norm batch", .ex6) {
        $0.accumulationSteps = 16
        $0.norm = .batch
      },
    ]
  }()

  @Test("Every line a demo prints fits 80 columns", arguments: configurations)
  func width(_ name: String, _ exercise: Exercise, _ options: DemoOptions) throws {
    let output = CollectingOutput()
    _ = try Demos.run(exercise, code: ReferenceCode.code, options: options, output: output)
    for line in output.lines + output.progressLines {
      #expect(line.count <= 80, "\(name): \(line.count) columns: \(line)")
    }
  }

  @Test("Every line of a multi-seed summary fits 80 columns", arguments: Exercise.allCases)
  func seedsWidth(_ exercise: Exercise) throws {
    let run = try Self.seeds(exercise, [1, 2]) { $0.steps = 10 }
    for line in run.lines + run.progressLines {
      #expect(line.count <= 80, "\(line.count) columns: \(line)")
    }
  }
}
