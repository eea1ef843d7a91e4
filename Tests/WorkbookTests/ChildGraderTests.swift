import Foundation
import Grading
import Testing

@testable import WorkbookKit

/// The parent side of isolated grading, driven by /bin/sh scripts that
/// stand in for a student's code: one crashes, one hangs, one reports.
///
/// The scripts speak the child protocol of `IsolatedGrading`: a
/// WORKBOOK-RUNNING line before each check, a WORKBOOK-RESULT line with the
/// result as JSON after it, exit code 3 once everything is reported. Each
/// line is tagged with a fixed test key, which the grader is set to use.
@Suite("Grading in child processes")
struct ChildGraderTests {
  static let exercise = Exercise.ex1
  static let ids = Grader.checkIDs(exercise)
  static let key = [UInt8](repeating: 7, count: ReportSigner.keyLength)
  static let signer = ReportSigner(key: key)

  /// A grader whose children are handed the test key.
  static func grader(_ command: GradingCommand, timeLimit: TimeInterval, grace: TimeInterval? = nil) -> ChildGrader {
    var grader = ChildGrader(command: command, timeLimit: timeLimit, grace: grace)
    grader.makeKey = { key }
    return grader
  }

  /// Shell functions `running ID` and `passed ID` that print the tagged
  /// protocol line for check ID of `exercise`.
  static func protocolFunctions(_ exercise: Exercise = exercise) -> String {
    let cases = { (line: (String) -> String) in
      Grader.checkIDs(exercise).map { "    \($0)) printf '%s\\n' '\(line($0))' ;;" }.joined(separator: "\n")
    }
    let result = { (id: String) in
      "{\"check\":\"\(id)\",\"exercise\":\(exercise.rawValue),\"message\":\"ok\",\"status\":\"passed\",\"title\":\"t\"}"
    }
    return """
      running() {
        case "$1" in
      \(cases { signer.line(IsolatedGrading.runningMarker, $0) })
        esac
      }
      passed() {
        case "$1" in
      \(cases { signer.line(IsolatedGrading.resultMarker, result($0)) })
        esac
      }

      """
  }

  /// A command that runs `script` with the requested check ids as `$@`
  /// (all of them when the grader asks for every check).
  static func shell(_ script: String) -> GradingCommand {
    GradingCommand(executable: URL(fileURLWithPath: "/bin/sh")) { _, checks, _ in
      ["-c", protocolFunctions() + script, "sh"] + (checks ?? ids)
    }
  }

  /// Reports every check it is given as passed; crashes with SIGSEGV on
  /// `crashing`, if given.
  static func reporter(crashing: String? = nil) -> GradingCommand {
    shell(
      """
      for id in "$@"; do
        running "$id"
        if [ "$id" = "\(crashing ?? "")" ]; then kill -SEGV $$; fi
        passed "$id"
      done
      exit 3
      """)
  }

  @Test("A child that reports gives one result per check")
  func reporting() throws {
    let grader = Self.grader(Self.reporter(), timeLimit: 5)
    let (results, children) = try grader.grade(Self.exercise, checks: Self.ids)
    #expect(results.map(\.check) == Self.ids)
    #expect(results.allSatisfy { $0.passed })
    #expect(children == 1)
  }

  @Test("A crash fails only the check that was running; a new child grades the rest")
  func crash() throws {
    let crashing = Self.ids[1]
    let grader = Self.grader(Self.reporter(crashing: crashing), timeLimit: 5)
    let (results, children) = try grader.grade(Self.exercise, checks: Self.ids)
    #expect(children == 2)
    #expect(results.map(\.check) == Self.ids)
    let crashed = try #require(results.first { $0.check == crashing })
    #expect(crashed.status == .crashed)
    #expect(crashed.message.contains("signal \(SIGSEGV)"))
    #expect(results.filter { $0.check != crashing }.allSatisfy { $0.passed })
  }

  @Test("A child that crashes whatever it is asked still ends, one check per child")
  func crashEveryTime() throws {
    // It even names a check it was not asked for after the first round.
    let grader = Self.grader(Self.shell("running \(Self.ids[0]); kill -SEGV $$"), timeLimit: 5)
    let (results, children) = try grader.grade(Self.exercise, checks: Array(Self.ids.prefix(3)))
    #expect(children == 3)
    #expect(results.count == 3)
    #expect(results.allSatisfy { $0.status == .crashed })
  }

  @Test("A child that hangs is killed after the time limit and reported as timed out")
  func hang() throws {
    let grader = Self.grader(Self.shell("sleep 30"), timeLimit: 0.3, grace: 0.2)
    let (results, children) = try grader.grade(Self.exercise, checks: [Self.ids[0]])
    #expect(children == 1)
    let result = try #require(results.first)
    #expect(result.check == Self.ids[0])
    #expect(result.status == .timedOut)
  }

  @Test("A child that hangs in the middle keeps the results it reported")
  func hangAfterReporting() throws {
    let script = """
      running "$1"
      passed "$1"
      running "$2"
      exec sleep 30
      """
    let grader = Self.grader(Self.shell(script), timeLimit: 0.3, grace: 0.2)
    let (results, _) = try grader.grade(Self.exercise, checks: Array(Self.ids.prefix(2)))
    #expect(results.map(\.status) == [.passed, .timedOut])
  }

  @Test("An exit code alone is never a result: the check that was running is blamed")
  func exitCodeAlone() throws {
    for code in [0, 3, IsolatedGrading.timedOutExitCode] {
      let grader = Self.grader(Self.shell("running \(Self.ids[0]); exit \(code)"), timeLimit: 7)
      let result = try #require(try grader.grade(Self.exercise, checks: [Self.ids[0]]).results.first)
      #expect(result.status == .crashed)
      #expect(result.message.contains("ended the process during this check (exit code \(code))"), "\(result.message)")
    }
  }

  @Test("Lines without a valid tag are forgeries: the check is tampered, whatever they claim")
  func untagged() throws {
    let forged = #"{"check":"\#(Self.ids[0])","exercise":1,"message":"ok","status":"passed","title":"t"}"#
    let scripts = [
      "echo '\(IsolatedGrading.runningMarker)\(Self.ids[0])'; echo '\(IsolatedGrading.resultMarker)\(forged)'; exit 3",
      "running \(Self.ids[0]); echo '\(IsolatedGrading.resultMarker)\(String(repeating: "0", count: 64)) \(forged)'; exit 3",
      // A genuine pass followed by a forged one is still a forgery.
      "running \(Self.ids[0]); passed \(Self.ids[0]); echo '\(IsolatedGrading.resultMarker)\(forged)'; exit 3",
    ]
    for script in scripts {
      let grader = Self.grader(Self.shell(script), timeLimit: 5)
      let results = try grader.grade(Self.exercise, checks: [Self.ids[0]]).results
      #expect(results.map(\.status) == [.tampered], "\(script)")
      #expect(results.first?.message.contains("imitates the grader's own report") == true)
    }
  }

  @Test("A result tagged under another child's key is a forgery")
  func otherKey() throws {
    let grader = ChildGrader(command: Self.reporter(), timeLimit: 5)  // fresh random keys
    let results = try grader.grade(Self.exercise, checks: [Self.ids[0]]).results
    #expect(results.map(\.status) == [.tampered])
  }

  @Test("A program that cannot start is a command failure")
  func cannotStart() {
    let command = GradingCommand(executable: URL(fileURLWithPath: "/nonexistent/workbook")) { _, _, _ in [] }
    #expect(throws: CommandFailure.self) {
      try ChildGrader(command: command, timeLimit: 1).grade(Self.exercise, checks: [Self.ids[0]])
    }
  }

  @Test("Both output streams are read in full, beyond the pipe buffer")
  func largeOutput() throws {
    // 200 KB on stderr before anything on stdout: reading stdout alone
    // first would deadlock with the child blocked on a full stderr pipe.
    let child = ChildProcess(
      executable: URL(fileURLWithPath: "/bin/sh"),
      arguments: ["-c", "head -c 200000 /dev/zero | tr '\\0' e >&2; echo done"])
    let run = try child.run()
    #expect(run.errorOutput.count == 200_000)
    #expect(run.output == "done\n")
    #expect(run.termination == .exited(0))
  }

  @Test("An exercise's runner is asked for exactly the checks left")
  func runnerArguments() {
    let command = GradingCommand.runner(at: URL(fileURLWithPath: "/bin/workbook-ex3"))
    #expect(command.arguments(.ex3, nil, 30) == ["__grade", "ex3", "--time-limit", "30"])
    #expect(
      command.arguments(.ex1, ["a", "b"], 2.5) == ["__grade", "ex1", "--checks", "a,b", "--time-limit", "2.5"])
  }

  @Test("Grading several exercises delivers the reports in order")
  func gradeAllInOrder() throws {
    var grader = ChildGrader(
      command: GradingCommand(executable: URL(fileURLWithPath: "/bin/sh")) { exercise, checks, _ in
        let ids = checks ?? Grader.checkIDs(exercise)
        let script = Self.protocolFunctions(exercise) + """
          for id in "$@"; do
            running "$id"
            passed "$id"
          done
          exit 3
          """
        return ["-c", script, "sh"] + ids
      }, timeLimit: 5)
    grader.makeKey = { Self.key }
    var delivered: [Exercise] = []
    try grader.gradeAll(Exercise.allCases, parallel: 2) { report in
      delivered.append(report.exercise)
      #expect(report.state == .passed)
      #expect(report.results.map(\.check) == Grader.checkIDs(report.exercise))
    }
    #expect(delivered == Exercise.allCases)
  }
}

@Suite("What the student's code prints")
struct PrintedOutputTests {
  @Test("Lines between a check's tagged markers belong to that check")
  func attribution() throws {
    let ids = Array(Grader.checkIDs(.ex1).prefix(2))
    let signer = ChildGraderTests.signer
    let result = { (id: String) in
      signer.line(
        IsolatedGrading.resultMarker,
        #"{"check":"\#(id)","exercise":1,"message":"no","status":"failed","title":"t"}"#)
    }
    let output = [
      "before any check", signer.line(IsolatedGrading.runningMarker, ids[0]), "debug 1", result(ids[0]),
      signer.line(IsolatedGrading.runningMarker, ids[1]), "debug 2", "debug 3", result(ids[1]),
    ].joined(separator: "\n")
    let collected = IsolatedGrading.collect(
      .ex1, checks: ids, output: output, errorOutput: "", ending: .exited(3), timeLimit: 5, key: ChildGraderTests.key)
    #expect(collected.printed == [ids[0]: ["debug 1"], ids[1]: ["debug 2", "debug 3"]])
    #expect(collected.results.map(\.status) == [.failed, .failed])
  }

  @Test("A failing check shows what was printed, up to a limit; a passing one does not")
  func shown() {
    let failed = ReportFixtures.result(.ex1, "a", .failed, "wrong")
    let lines = (1...25).map { "line \($0)" }
    let message = ChildGrader.withPrinted(lines, failed).message
    #expect(message.hasPrefix("wrong\nYour code printed:\n  | line 1\n"))
    #expect(message.hasSuffix("  | line 20\n  | … 5 more lines"))
    let passed = ReportFixtures.result(.ex1, "a", .passed)
    #expect(ChildGrader.withPrinted(lines, passed) == passed)
  }

  @Test("A crashed check shows what was printed before the crash")
  func beforeCrash() throws {
    let id = Grader.checkIDs(.ex1)[0]
    let grader = ChildGraderTests.grader(ChildGraderTests.shell("running \(id); echo 'x = 42'; kill -SEGV $$"), timeLimit: 5)
    let result = try #require(try grader.grade(.ex1, checks: [id]).results.first)
    #expect(result.status == .crashed)
    #expect(result.message.hasSuffix("The last lines your code printed:\n  | x = 42"))
  }
}
