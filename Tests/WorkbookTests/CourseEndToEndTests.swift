import AnswerKey
import Autograd
import Contract
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
  /// in nested folders, with `environment` added to run_autograder's, and
  /// returns results.json.
  static func grade(
    _ bundle: URL, _ files: [Exercise: String], environment: [String: String] = [:]
  ) throws -> [String: Any] {
    let autograder = try DemoFixture.temporaryDirectory()
    let submission = autograder.appendingPathComponent("submission/my work/nested")
    try FileManager.default.createDirectory(at: submission, withIntermediateDirectories: true)
    for (exercise, text) in files {
      let name = (exercise.sourceFile as NSString).lastPathComponent
      try text.write(to: submission.appendingPathComponent(name), atomically: true, encoding: .utf8)
    }
    let run = try Self.run(
      [bundle.appendingPathComponent("run_autograder").path], in: autograder,
      environment: environment.merging(["AUTOGRADER_ROOT": autograder.path]) { _, root in root })
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
    #expect(demo.errorOutput.contains("not implemented yet"), "\(demo.output.suffix(500)) \(demo.errorOutput)")
    let reference = try Self.run(["swift", "run", "workbook", "run", "ex1", "--reference"], in: copy)
    #expect(reference.termination == .exited(1))
    #expect(reference.errorOutput.contains("has no reference solutions"), "\(reference.errorOutput)")
    #expect(!reference.errorOutput.contains("not implemented"), "\(reference.errorOutput)")
    let test = try Self.run(["swift", "test"], in: copy)
    let log = test.output + test.errorOutput
    #expect(test.termination != .exited(0))
    #expect(!log.contains("error: emit-module") && !log.contains(": error: "), "it must build: \(log.suffix(2000))")
    #expect(log.contains("not implemented"), "\(log.suffix(2000))")
    let failedSuites = log.split(separator: "\n").filter { $0.hasPrefix("✘ Suite") }
    #expect(failedSuites.allSatisfy { $0.lowercased().contains("exercise") }, "\(failedSuites)")
    let results = try DemoFixture.temporaryDirectory().appendingPathComponent("results.json").path
    let grade = try Self.run(["swift", "run", "workbook", "grade", "--json", results], in: copy)
    #expect(grade.termination == .exited(0), "\(grade.errorOutput)")
    #expect(grade.output.contains("│ Total") && grade.output.contains("Wrote "), "\(grade.output)")

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

    // The optional exercises, when run_autograder's environment asks for
    // them: every exercise's reference scores exactly 100 + 25 each.
    var all = full
    for exercise in Exercise.optional { all[exercise] = try Self.reference(exercise) }
    let withOptional = try Self.grade(bundle, all, environment: ["WORKBOOK_OPTIONAL": Exercise.optional.map(\.name).joined(separator: ",")])
    #expect(withOptional["score"] as? Double == 100 + 25 * Double(Exercise.optional.count), "\(withOptional["output"] ?? "")")
    for exercise in Exercise.optional {
      let tests = Self.tests(withOptional, exercise)
      #expect(tests.count == Grader.checks(exercise).count, "\(exercise.name)")
      #expect(tests.allSatisfy { $0["status"] as? String == "passed" }, "\(exercise.name)")
    }

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

    try Self.nothingToBorrow(copy)
    try Self.hiddenScenarios(bundle, copy: copy, full: full)
  }

  /// In a student's copy there is no answer key to import, and the judge
  /// is not linked into the runners: exercise 1 borrowing either does not
  /// build, so it earns no check.
  static func nothingToBorrow(_ copy: URL) throws {
    let reference1 = try Self.reference(.ex1)
    let file = copy.appendingPathComponent(Exercise.ex1.sourceFile)
    let stub = try String(contentsOf: file, encoding: .utf8)
    defer { try? stub.write(to: file, atomically: true, encoding: .utf8) }
    for (module, call) in [
      ("import AnswerKey", "try ReferenceCode.code.ex1!.gradNorm(parameters, normType)"),
      ("@testable import Judge", "_ = try? RecordedAnswers(folders: []); return try ownGradNorm(parameters, normType: normType)"),
    ] {
      try EndToEndGradingTests.borrowingExercise1(reference1, importing: module, call: call).write(
        to: file, atomically: true, encoding: .utf8)
      let check = try Self.run(["swift", "run", "workbook", "check", "ex1"], in: copy)
      #expect(check.output.contains("does not compile"), "\(module): \(check.output.suffix(1500))")
    }
  }

  /// The hidden scenarios: a submission whose gradNorm returns the answers
  /// of the public scenarios from a table passes every check in a
  /// student's copy and fails the hidden checks on the autograder; and the
  /// students' code cannot read hidden/ there.
  static func hiddenScenarios(_ bundle: URL, copy: URL, full: [Exercise: String]) throws {
    let hardCoded = try Self.hardCodedExercise1()
    let file = copy.appendingPathComponent(Exercise.ex1.sourceFile)
    let stub = try String(contentsOf: file, encoding: .utf8)
    try hardCoded.write(to: file, atomically: true, encoding: .utf8)
    let local = try Self.run(["swift", "run", "workbook", "check", "ex1"], in: copy)
    try stub.write(to: file, atomically: true, encoding: .utf8)
    #expect(local.termination == .exited(0), "in the copy it passes: \(local.output.suffix(1500))")

    var submission = full
    submission[.ex1] = hardCoded
    let graded = try Self.grade(bundle, submission)
    let ex1 = Self.tests(graded, .ex1)
    let failedHidden = ex1.filter { ($0["tags"] as? [String] ?? []).contains("hidden") && $0["status"] as? String == "failed" }
    #expect(!failedHidden.isEmpty, "the hidden checks catch it: \(ex1.map { $0["status"] ?? "" })")
    #expect(failedHidden.allSatisfy { $0["visibility"] as? String == "after_due_date" })
    #expect((graded["score"] as? Double ?? 100) < 100)

    // Reading hidden/ as the students' user fails, so this submission's
    // gradNorm returns 0 and its checks fail.
    var snooping = full
    snooping[.ex1] = EndToEndGradingTests.borrowingExercise1(
      try Self.reference(.ex1), importing: "import Foundation",
      call: "guard FileManager.default.isReadableFile(atPath: \"\(bundle.path)/hidden/seeds.json\") else { return 0 }\n"
        + "  return try ownGradNorm(parameters, normType: normType)")
    let snooped = try Self.grade(bundle, snooping)
    #expect(Self.tests(snooped, .ex1).contains { $0["status"] as? String == "failed" }, "hidden/ was readable")
  }

  /// Exercise 1 with its gradNorm replaced by a table of what the reference
  /// returns in every public scenario, keyed by the exact gradients.
  static func hardCodedExercise1() throws -> String {
    final class Table: @unchecked Sendable { var entries: [String: UInt64] = [:] }
    let table = Table()
    func key(_ parameters: [Tensor], _ normType: Double) -> String {
      var parts: [String] = []
      for p in parameters {
        guard let grad = p.grad else {
          parts.append("-")
          continue
        }
        parts.append(grad.data.map { String($0.bitPattern) }.joined(separator: ","))
      }
      return parts.joined(separator: ";") + "|" + String(normType.bitPattern)
    }
    var code = ReferenceCode.code
    let real = code.ex1!
    code.ex1!.gradNorm = { parameters, normType in
      let value = try real.gradNorm(parameters, normType)
      table.entries[key(parameters, normType)] = value.bitPattern
      return value
    }
    _ = Grader(answers: AnswerKey.shared).grade(.ex1, observer: InProcessObserver(code: code))
    let literal = table.entries.sorted { $0.key < $1.key }.map { "  \"\($0.key)\": \($0.value)," }.joined(separator: "\n")
    let lookup = """
      let answers: [String: UInt64] = [
      \(literal)
      ]
        guard normType > 0 else {
          throw WorkbookError.invalidArgument(function: "gradNorm", detail: "normType must be positive")
        }
        var parts: [String] = []
        for p in parameters {
          guard let grad = p.grad else {
            parts.append("-")
            continue
          }
          parts.append(grad.data.map { String($0.bitPattern) }.joined(separator: ","))
        }
        let key = parts.joined(separator: ";") + "|" + String(normType.bitPattern)
        return answers[key].map { Double(bitPattern: $0) } ?? 0
      """
    return EndToEndGradingTests.borrowingExercise1(try Self.reference(.ex1), importing: "", call: lookup)
  }
}
