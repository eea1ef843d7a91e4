import Foundation
import Testing
@testable import WorkbookKit
@testable import StudentCommands
@testable import InstructorCommands
@testable import WorkbookCommand
@testable import Judge
import Harness

/// Slow: builds a Gradescope autograder bundle, checks that the student
/// copy inside it builds, tests and runs on its own, and grades five
/// submissions with its `run_autograder`. `WORKBOOK_SLOW_TESTS=1` turns it
/// on; `.ci/run` runs it.
@Suite(
  "The autograder bundle and the handout in it, end to end",
  .enabled(if: ProcessInfo.processInfo.environment["WORKBOOK_SLOW_TESTS"] == "1", "set WORKBOOK_SLOW_TESTS=1"),
  .serialized)
struct CourseEndToEndTests {
  static let root = DemoFixture.packageRoot

  static func run(_ arguments: [String], in folder: URL, environment: [String: String] = [:]) throws -> ChildRun {
    let settings = environment.map { "\($0.key)=\($0.value)" }
    let child = ChildProcess(
      executable: URL(fileURLWithPath: "/usr/bin/env"),
      arguments: ["-u", "WORKBOOK_SOLUTIONS", "-u", "WORKBOOK_SLOW_TESTS"] + settings + arguments,
      currentDirectory: folder)
    return try child.run()
  }

  /// Grades `files` (exercise → file contents) as a submission, the files
  /// in nested folders, and returns results.json.
  static func grade(_ bundle: URL, _ files: [Exercise: String]) throws -> [String: Any] {
    let autograder = try DemoFixture.temporaryDirectory()
    let submission = autograder.appendingPathComponent("submission/my work/nested")
    try FileManager.default.createDirectory(at: submission, withIntermediateDirectories: true)
    for (exercise, text) in files {
      let name = (exercise.sourceFile as NSString).lastPathComponent
      try text.write(to: submission.appendingPathComponent(name), atomically: true, encoding: .utf8)
    }
    let run = try Self.run(
      [bundle.appendingPathComponent("run_autograder").path], in: autograder,
      environment: ["AUTOGRADER_ROOT": autograder.path])
    let data = try #require(
      FileManager.default.contents(atPath: autograder.appendingPathComponent("results/results.json").path),
      "no results.json: \(run.errorOutput.suffix(2000))")
    return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
  }

  static func reference(_ exercise: Exercise) throws -> String {
    try String(
      contentsOf: root.appendingPathComponent("Solutions/" + exercise.sourceFile.dropFirst("Exercises/".count)),
      encoding: .utf8)
  }

  static func tests(_ results: [String: Any], _ exercise: Exercise) -> [[String: Any]] {
    (results["tests"] as? [[String: Any]] ?? []).filter { ($0["tags"] as? [String] ?? []).contains(exercise.name) }
  }

  @Test("A student copy works on its own, and run_autograder grades what it is given")
  func bundle() throws {
    let base = try DemoFixture.temporaryDirectory()
    let bundle = base.appendingPathComponent("autograder")
    var command = AutograderCommand(options: FolderOptions(path: bundle.path))
    command.root = Self.root
    command.console = Console(paint: Paint(enabled: false), width: 80, interactive: false)
    _ = try command.run()
    #expect(FileManager.default.fileExists(atPath: bundle.path + ".zip"))
    let copy = bundle.appendingPathComponent("workbook")

    // The student copy: builds, lists, hints, grades, and asks for code
    // where the full workbook would show the reference.
    let build = try Self.run(["swift", "build"], in: copy)
    #expect(build.termination == .exited(0), "\(build.errorOutput.suffix(3000))")
    let list = try Self.run(["swift", "run", "workbook"], in: copy)
    #expect(list.termination == .exited(0))
    #expect(list.output.contains("not started"))
    let hint = try Self.run(["swift", "run", "workbook", "hint", "ex1"], in: copy)
    #expect(hint.termination == .exited(0), "\(hint.errorOutput)")
    let check = try Self.run(["swift", "run", "workbook", "check", "ex1"], in: copy)
    #expect(check.termination == .exited(1))
    #expect(check.output.contains("not implemented"))
    let demo = try Self.run(["swift", "run", "workbook", "run", "ex1"], in: copy)
    #expect(demo.termination == .exited(1))
    #expect(demo.errorOutput.contains("write your code first"), "\(demo.output.suffix(500)) \(demo.errorOutput)")
    let test = try Self.run(["swift", "test"], in: copy)
    let log = test.output + test.errorOutput
    #expect(test.termination != .exited(0))
    #expect(!log.contains("error: emit-module") && !log.contains(": error: "), "it must build: \(log.suffix(2000))")
    #expect(log.contains("not implemented"), "\(log.suffix(2000))")
    let failedSuites = log.split(separator: "\n").filter { $0.hasPrefix("✘ Suite") }
    #expect(failedSuites.allSatisfy { $0.lowercased().contains("exercise") }, "\(failedSuites)")

    // setup.sh with the toolchain already installed: no download, one build.
    let setup = try Self.run(
      ["bash", bundle.appendingPathComponent("setup.sh").path], in: bundle,
      environment: ["WORKBOOK_TOOLCHAIN": "installed"])
    #expect(setup.termination == .exited(0), "\(setup.errorOutput.suffix(2000))")

    // run_autograder on five submissions.
    let core = Exercise.core
    var full: [Exercise: String] = [:]
    for exercise in core { full[exercise] = try Self.reference(exercise) }
    let allRight = try Self.grade(bundle, full)
    #expect(allRight["score"] as? Double == 100, "\(allRight["output"] ?? "")")

    var stubs: [Exercise: String] = [:]
    for exercise in core {
      stubs[exercise] = try String(contentsOf: copy.appendingPathComponent(Handout.stubsFolder + "/" + exercise.sourceFile), encoding: .utf8)
    }
    #expect(try Self.grade(bundle, stubs)["score"] as? Double == 0)

    var broken = full
    broken[.ex2] = full[.ex2]! + "\nlet broken: Int = \"not a number\"\n"
    let oneBroken = try Self.grade(bundle, broken)
    #expect(oneBroken["score"] as? Double == 75, "\(oneBroken["output"] ?? "")")
    #expect(Self.tests(oneBroken, .ex2).allSatisfy { ($0["output"] as? String ?? "").contains("does not compile") })

    var forged = full
    forged[.ex3] = EndToEndGradingTests.forgedExercise3
    let withForgery = try Self.grade(bundle, forged)
    #expect(withForgery["score"] as? Double == 75, "\(withForgery["output"] ?? "")")
    #expect(Self.tests(withForgery, .ex3).allSatisfy { $0["status"] as? String == "failed" })

    var missing = full
    missing[.ex4] = nil
    let oneMissing = try Self.grade(bundle, missing)
    #expect(oneMissing["score"] as? Double == 75)
    #expect(Self.tests(oneMissing, .ex4).allSatisfy { ($0["output"] as? String ?? "").contains("not in the submission") })
  }
}
