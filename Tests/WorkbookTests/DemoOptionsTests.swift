import AnswerKey
import Foundation
import Testing
@testable import WorkbookKit
@testable import StudentCommands
@testable import InstructorCommands
@testable import WorkbookCommand
@testable import Judge
import Harness

// `workbook run`'s options: refused before anything is built or trained,
// files checked before training, and text that says what was run.

@Suite("Demos: options checked first", .tags(.demos))
struct DemoOptionsTests {
  @Test(
    "Accumulation steps beyond the batch are a usage error",
    arguments: [("ex3", "300", "256"), ("ex3", "0", "256"), ("ex4", "33", "32")])
  func accumulationRange(exercise: String, k: String, batch: String) {
    #expect(
      throws: UsageError.invalidValue(
        option: "--accumulation-steps", value: k,
        expected: "a whole number from 1 to \(batch) (micro-batches of the batch of \(batch))", verb: .run)
    ) { try Command.parse(["run", exercise, "--accumulation-steps", k]) }
  }

  @Test("run ex3 --accumulation-steps 300 exits 2 with one error, before any banner")
  func validateFirst() {
    var written: [String] = []
    #expect(WorkbookCommand.run(["run", "ex3", "--accumulation-steps", "300"], errorLine: { written.append($0) }) == .usage)
    #expect(written.first?.hasPrefix("error: '300' is not a valid value for '--accumulation-steps'") == true, "\(written)")
  }

  @Test(
    "Seeds are a range, a list or both",
    arguments: [("1-20", Array(UInt64(1)...20)), ("1,2,5", [1, 2, 5]), ("3", [3]), ("1-3,7,2", [1, 2, 3, 7])])
  func seeds(text: String, seeds: [UInt64]) throws {
    guard case let .run(options) = try Command.parse(["run", "ex1", "--seeds", text]) else {
      Issue.record("not a run command")
      return
    }
    #expect(options.demo.seeds == seeds)
  }

  @Test("Bad seed lists are refused", arguments: ["3-1", "1-200", "a", "1,,2", "-1", "1-"])
  func badSeeds(text: String) {
    #expect(throws: UsageError.self) { try Command.parse(["run", "ex1", "--seeds", text]) }
  }

  @Test(
    "--seeds does not go with one seed or with files",
    arguments: [["--seed", "2"], ["--svg", "x.svg"], ["--csv", "x.csv"]])
  func seedsConflicts(other: [String]) {
    #expect(throws: UsageError.conflictingOptions(other[0], "--seeds", verb: .run)) {
      try Command.parse(["run", "ex1", "--seeds", "1-3"] + other)
    }
  }

  @Test("--length and --hidden are for ex1, within their ranges")
  func lengthAndHidden() throws {
    #expect(throws: UsageError.notApplicable(option: "--length", exercise: "ex3", appliesTo: "ex1", verb: .run)) {
      try Command.parse(["run", "ex3", "--length", "50"])
    }
    #expect(throws: UsageError.self) { try Command.parse(["run", "ex1", "--length", "1"]) }
    #expect(throws: UsageError.self) { try Command.parse(["run", "ex1", "--hidden", "0"]) }
    guard case let .run(options) = try Command.parse(["run", "ex1", "--length", "50", "--hidden", "32"]) else {
      Issue.record("not a run command")
      return
    }
    #expect(options.demo.length == 50)
    #expect(options.demo.hidden == 32)
  }

  @Test(
    "--lrs takes 2 to 6 distinct rates above 0, and names the bad list",
    arguments: ["0.1", "0.1,0.1", "0,0.1", "-0.1,0.1", "0.1,fast", "0.1,inf", "1,2,3,4,5,6,7", "0.1,,0.3"])
  func badLearningRates(text: String) {
    #expect(
      throws: UsageError.invalidValue(
        option: "--lrs", value: text, expected: "learning rates > 0 like 0.01,0.03,0.1,0.3 (2 to 6, each once)",
        verb: .run)
    ) { try Command.parse(["run", "ex1", "--lrs", text]) }
  }

  @Test("--lrs does not go with --lr or --sweep", arguments: [["--lr", "0.1"], ["--sweep"]])
  func learningRatesConflicts(other: [String]) {
    #expect(throws: UsageError.conflictingOptions(other[0], "--lrs", verb: .run)) {
      try Command.parse(["run", "ex1", "--lrs", "0.01,0.1"] + other)
    }
  }

  @Test("A bad --lrs exits 2 with one error naming the value, before anything trains")
  func learningRatesFirst() {
    var written: [String] = []
    #expect(WorkbookCommand.run(["run", "ex1", "--lrs", "0.1,-1"], errorLine: { written.append($0) }) == .usage)
    #expect(written.first?.hasPrefix("error: '0.1,-1' is not a valid value for '--lrs'") == true, "\(written)")
  }

  @Test("--csv - and --svg - are refused: the demo's text goes to standard output", arguments: ["--csv", "--svg"])
  func dash(option: String) {
    #expect(
      throws: UsageError.invalidValue(
        option: option, value: "-", expected: "a file name (the demo's text goes to standard output)", verb: .run)
    ) { try Command.parse(["run", "ex1", option, "-"]) }
  }

  // MARK: Output paths

  @Test("A file in a missing folder is refused before training, and no folder is made", arguments: Exercise.allCases)
  func missingFolder(_ exercise: Exercise) throws {
    let directory = try DemoFixture.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let folder = directory.appendingPathComponent("docs")
    let path = folder.appendingPathComponent("x.svg").path
    let output = CollectingOutput()
    var options = DemoOptions()
    options.svgPath = path
    #expect(throws: CommandFailure("cannot write \(path): the folder \(folder.path) does not exist")) {
      _ = try Demos.run(exercise, code: ReferenceCode.code, options: options, output: output)
    }
    #expect(output.lines.isEmpty && output.progressLines.isEmpty, "nothing ran")
    #expect(!FileManager.default.fileExists(atPath: folder.path))
  }

  @Test("A path that is a folder, or under a file, is refused in one line")
  func notAFile() throws {
    let directory = try DemoFixture.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let file = directory.appendingPathComponent("plain")
    try Data().write(to: file)
    var options = DemoOptions()
    options.csvPath = directory.path
    #expect(throws: CommandFailure("cannot write \(directory.path): it is a folder; give a file name")) {
      try Demos.checkOutputPaths(options)
    }
    options.csvPath = file.appendingPathComponent("x.csv").path
    #expect(throws: CommandFailure("cannot write \(file.path)/x.csv: \(file.path) is a file, not a folder")) {
      try Demos.checkOutputPaths(options)
    }
  }

  @Test("workbook run with --svg in a missing folder exits 1 with one line, and makes no folder")
  func commandLine() throws {
    let directory = try DemoFixture.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let folder = directory.appendingPathComponent("nonexistent/dir")
    let path = folder.appendingPathComponent("x.svg").path
    var written: [String] = []
    let code = WorkbookCommand.run(["run", "ex1", "--reference", "--svg", path], errorLine: { written.append($0) })
    #expect(code == .failure)
    #expect(written.joined(separator: " ") == "error: cannot write \(path): the folder \(folder.path) does not exist")
    #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("nonexistent").path))
  }

  // MARK: Text that follows the options

  @Test("ex3 with k not dividing the batch says what the code does: weights nᵢ/N")
  func unequalMicroBatches() throws {
    let run = try DemoFixture.run(.ex3) {
      $0.accumulationSteps = 3
      $0.steps = 3
    }
    #expect(run.prose.contains("86 + 85 + 85"))
    #expect(run.prose.contains("weighted by its share nᵢ/N (86/256 or 85/256)"))
    #expect(!run.prose.contains("mean loss by 3 makes"))
  }

  @Test("ex4 suggests other values of k than the one it ran with", arguments: [(4, "2 or 8"), (2, "4 or 8"), (8, "2 or 4")])
  func otherK(k: Int, suggestion: String) throws {
    let run = try DemoFixture.run(.ex4) {
      $0.accumulationSteps = k
      $0.steps = 3
    }
    #expect(run.prose.contains("rerun with --accumulation-steps \(suggestion)"))
  }
}
