import Foundation
import Testing
@testable import WorkbookKit
@testable import StudentCommands
@testable import InstructorCommands
@testable import WorkbookCommand
@testable import Judge
import Harness

/// Slow: builds a copy of the whole workbook from scratch, as a student's
/// checkout would be, with exercise 2 broken and exercise 3 forged.
/// `WORKBOOK_SLOW_TESTS=1` turns it on; `.ci/run` runs it.
@Suite(
  "A broken and a forged exercise in a real checkout",
  .enabled(if: ProcessInfo.processInfo.environment["WORKBOOK_SLOW_TESTS"] == "1", "set WORKBOOK_SLOW_TESTS=1"),
  .serialized)
struct EndToEndGradingTests {
  /// An exercise-3 file that does no accumulation at all: it writes an
  /// observation claiming the right losses, in the protocol's format, to
  /// every file descriptor, again at exit, and ends the process.
  static var forgedExercise3: String {
    let line = #"{"observation":{"id":1,"_1":{"outcome":{"returned":{"_0":{"numbers":{"_0":[0.5,0.4]}}}},"events":[],"measured":{}}}}"#
    return """
      import Autograd
      import Datasets
      import Foundation

      let forged = #"\(line)"#

      func forge() {
        let bytes = Array(("\\n" + forged + "\\n").utf8)
        for fd in Int32(0)...64 { _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) } }
      }

      public func trainOnWholeBatch(
        model: any Module, optimizer: any Optimizer, batch: Batch, lossFunction: LossFunction
      ) throws -> Double { 0 }

      public func trainWithAccumulation(
        model: any Module, optimizer: any Optimizer, microBatches: [Batch],
        accumulationSteps: Int, lossFunction: LossFunction
      ) throws -> [Double] {
        forge()
        atexit { forge() }
        exit(0)
      }
      """
  }

  /// An exercise-1 file that borrows the answer from a module of the
  /// workbook instead of computing it (`import` is what it tries).
  ///
  /// The reference's own `gradNorm` becomes `ownGradNorm`, which its
  /// `clipGradNorm` keeps calling; the public `gradNorm` is `call`.
  static func borrowingExercise1(_ reference: String, importing module: String, call: String) -> String {
    "\(module)\n"
      + reference.replacingOccurrences(of: "try gradNorm(", with: "try ownGradNorm(").replacingOccurrences(
        of: "public func gradNorm(",
        with: "public func gradNorm(_ parameters: [Tensor], normType: Double = 2) throws -> Double {\n  \(call)\n}\n\nfunc ownGradNorm(")
  }

  /// A copy of the package, without build products, at a fresh folder.
  static func copyOfWorkbook() throws -> URL {
    let root = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    let copy = FileManager.default.temporaryDirectory.appendingPathComponent("workbook-e2e-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: copy, withIntermediateDirectories: true)
    for item in ["Package.swift", "Exercises", "Solutions", "Sources", "Tests"] {
      try FileManager.default.copyItem(at: root.appendingPathComponent(item), to: copy.appendingPathComponent(item))
    }
    return copy
  }

  /// Runs `swift` with `arguments` in `folder`, grading the student's code
  /// (WORKBOOK_SOLUTIONS unset whatever this run has).
  static func swift(_ arguments: [String], in folder: URL) throws -> ChildRun {
    var environment = ProcessInfo.processInfo.environment
    environment["WORKBOOK_SOLUTIONS"] = nil
    environment["WORKBOOK_SLOW_TESTS"] = nil
    let child = ChildProcess(
      executable: URL(fileURLWithPath: "/usr/bin/env"),
      arguments: ["-u", "WORKBOOK_SOLUTIONS", "-u", "WORKBOOK_SLOW_TESTS", "swift"] + arguments,
      currentDirectory: folder)
    return try child.run()
  }

  @Test("grade and check score the rest; swift test does not pass the forgery")
  func brokenAndForged() throws {
    let copy = try Self.copyOfWorkbook()
    defer { try? FileManager.default.removeItem(at: copy) }
    let exercises = copy.appendingPathComponent("Exercises")
    // Finished, correct exercises 1 and 4: the reference files.
    for exercise in [Exercise.ex1, .ex4] {
      let file = String(exercise.sourceFile.dropFirst("Exercises/".count))
      let target = exercises.appendingPathComponent(file)
      try FileManager.default.removeItem(at: target)
      try FileManager.default.copyItem(at: copy.appendingPathComponent("Solutions/" + file), to: target)
    }
    // One type error in exercise 2.
    let ex2 = copy.appendingPathComponent(Exercise.ex2.sourceFile)
    let stub2 = try String(contentsOf: ex2, encoding: .utf8)
    try (stub2 + "\nlet broken: Int = \"not a number\"\n").write(to: ex2, atomically: true, encoding: .utf8)
    // A forged exercise 3.
    try Self.forgedExercise3.write(
      to: copy.appendingPathComponent(Exercise.ex3.sourceFile), atomically: true, encoding: .utf8)

    let grade = try Self.swift(["run", "workbook", "grade", "--json", "r.json", "--junit", "j.xml"], in: copy)
    #expect(grade.termination == .exited(0), "\(grade.output)\n\(grade.errorOutput)")
    #expect(grade.output.contains("│ Total"), "grade prints its table with --json too: \(grade.output)")
    #expect(grade.output.contains("Wrote r.json and j.xml."))
    let json = try #require(FileManager.default.contents(atPath: copy.appendingPathComponent("r.json").path))
    let results = try #require(try JSONSerialization.jsonObject(with: json) as? [String: Any])
    #expect(results["score"] as? Double == 50, "ex1 and ex4 full, ex2 and ex3 nothing: \(results["score"] ?? "none")")
    let tests = try #require(results["tests"] as? [[String: Any]])
    for test in tests {
      let tags = test["tags"] as? [String] ?? []
      let status = test["status"] as? String
      if tags.contains("ex1") || tags.contains("ex4") { #expect(status == "passed", "\(test)") }
      if tags.contains("ex2") {
        #expect(status == "failed")
        #expect((test["output"] as? String ?? "").contains("does not compile"), "\(test)")
      }
      if tags.contains("ex3") { #expect(status == "failed", "\(test)") }
    }

    let check = try Self.swift(["run", "workbook", "check", "--json"], in: copy)
    #expect(check.termination == .exited(1))
    // `swift run` prints its build lines first; the report starts at "[".
    let report = check.output.split(separator: "\n", omittingEmptySubsequences: false)
      .drop { $0 != "[" }.joined(separator: "\n")
    let reports = try JSONDecoder().decode([ExerciseReport].self, from: Data(report.utf8))
    let optional = Exercise.optional.map { _ in ExerciseReport.State.notStarted }
    #expect(reports.map(\.state) == [.passed, .doesNotCompile, .failing, .passed] + optional)
    let ex3 = try #require(reports.first { $0.exercise == .ex3 })
    #expect(ex3.results.allSatisfy { $0.status == .tampered }, "\(ex3.results.map(\.status))")

    // swift test cannot build with a compile error anywhere; with exercise
    // 2 back to its stub, the forgery still passes no check.
    try stub2.write(to: ex2, atomically: true, encoding: .utf8)
    let test = try Self.swift(["test", "--filter", "Exercise3Grades"], in: copy)
    let log = test.output + test.errorOutput
    #expect(test.termination != .exited(0), "\(log.suffix(2000))")
    #expect(log.contains("tampered"), "\(log.suffix(2000))")

    // Borrowing: exercise 1 importing the answer key (not one of its
    // dependencies) to return the reference's answer does not build; nor
    // does reaching into the judge with @testable.
    let reference1 = try String(contentsOf: copy.appendingPathComponent("Solutions/ex1-norm-clipping/NormClipping.swift"), encoding: .utf8)
    for (module, call) in [
      ("import AnswerKey", "try ReferenceCode.code.ex1!.gradNorm(parameters, normType)"),
      ("@testable import Judge", "_ = try? RecordedAnswers(folders: []); return try ownGradNorm(parameters, normType: normType)"),
    ] {
      try Self.borrowingExercise1(reference1, importing: module, call: call).write(
        to: copy.appendingPathComponent(Exercise.ex1.sourceFile), atomically: true, encoding: .utf8)
      let borrowed = try Self.swift(["run", "workbook", "check", "ex1", "--json"], in: copy)
      let json = borrowed.output.split(separator: "\n", omittingEmptySubsequences: false)
        .drop { $0 != "[" }.joined(separator: "\n")
      let state = try? JSONDecoder().decode([ExerciseReport].self, from: Data(json.utf8)).first?.state
      #expect(state == .doesNotCompile, "\(module): \(state.map { "\($0)" } ?? borrowed.output.suffix(1500))")
    }
    #expect(!log.contains("✔ Test \"Exercise 3 check\""), "\(log.suffix(2000))")
  }
}
