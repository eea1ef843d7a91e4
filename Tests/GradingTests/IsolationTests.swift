import Autograd
import Datasets
import Foundation
import Grading
import Testing

// A crash or an endless loop in a student's code must become that check's
// result, not the end of grading. These tests run the child side of
// `IsolatedGrading` in exit tests, as `swift test` does for the student
// (Tests/ExerciseTests/GradedCheck.swift), and judge what the parent side
// collects.

/// Exercise 3 implementations that do not merely compute a wrong number.
enum Misbehaving {
  /// Takes each window as `start..<start + accumulationSteps`: right while
  /// windows are full, index out of range on a shorter last one.
  static let indexOutOfRange = WorkbookCode.reference(ex3: AccumulationCode(trainWithAccumulation: unclampedWindow))
  /// A `while` loop whose index never advances.
  static let endlessLoop = WorkbookCode.reference(ex3: AccumulationCode(trainWithAccumulation: neverAdvances))

  static func unclampedWindow(
    model: any Module, optimizer: any Optimizer, microBatches: [Batch],
    accumulationSteps: Int, lossFunction: LossFunction
  ) throws -> [Double] {
    guard accumulationSteps >= 1 else { throw WrongAccumulation.invalidSteps(accumulationSteps) }
    var losses: [Double] = []
    optimizer.zeroGrad()
    for start in stride(from: 0, to: microBatches.count, by: accumulationSteps) {
      // BUG: past the end of the array when the last window is shorter.
      let window = microBatches[start..<start + accumulationSteps]
      let windowSamples = window.reduce(0) { $0 + $1.count }
      var windowLoss = 0.0
      for batch in window {
        let loss = try lossFunction(model(batch.inputs), batch.targets)
        let weight = Double(batch.count) / Double(windowSamples)
        try (loss * weight).backward()
        windowLoss += loss.item() * weight
      }
      optimizer.step()
      optimizer.zeroGrad()
      losses.append(windowLoss)
    }
    return losses
  }

  static func neverAdvances(
    model: any Module, optimizer: any Optimizer, microBatches: [Batch],
    accumulationSteps: Int, lossFunction: LossFunction
  ) throws -> [Double] {
    guard accumulationSteps >= 1 else { throw WrongAccumulation.invalidSteps(accumulationSteps) }
    var losses: [Double] = []
    optimizer.zeroGrad()
    let start = 0  // BUG: never advances, so the loop below never ends
    while start < microBatches.count {
      let window = microBatches[start..<min(start + accumulationSteps, microBatches.count)]
      let windowSamples = window.reduce(0) { $0 + $1.count }
      var windowLoss = 0.0
      for batch in window {
        let loss = try lossFunction(model(batch.inputs), batch.targets)
        let weight = Double(batch.count) / Double(windowSamples)
        try (loss * weight).backward()
        windowLoss += loss.item() * weight
      }
      optimizer.step()
      optimizer.zeroGrad()
      losses.append(windowLoss)
      // BUG: `start += accumulationSteps` is missing.
    }
    return losses
  }
}

/// What the parent side collects from an exit test's child.
func collected(
  _ outcome: ExitTest.Result, _ exercise: Exercise, checks ids: [String], timeLimit: TimeInterval
) -> (results: [CheckResult], unreached: [String]) {
  let ending: IsolatedGrading.Ending
  switch outcome.exitStatus {
  case let .exitCode(code): ending = .exited(code)
  case let .signal(signal): ending = .signaled(signal)
  @unknown default: ending = .exited(-1)
  }
  return IsolatedGrading.collect(
    exercise, checks: ids,
    output: String(decoding: outcome.standardOutputContent, as: UTF8.self),
    errorOutput: String(decoding: outcome.standardErrorContent, as: UTF8.self),
    ending: ending, timeLimit: timeLimit)
}

@Suite("Crashes and endless loops are contained and reported", .tags(.isolation))
struct IsolationTests {
  @Test("An index out of range is reported as a crash with the runtime's reason")
  func crash() async throws {
    let outcome = try #require(
      await #expect(processExitsWith: .failure, observing: [\.standardOutputContent, \.standardErrorContent]) {
        IsolatedGrading.runChild(
          .ex3, checks: ["partial-last-window"], code: Misbehaving.indexOutOfRange, timeLimit: 30)
      })
    let (results, unreached) = collected(outcome, .ex3, checks: ["partial-last-window"], timeLimit: 30)
    let result = try #require(results.first)
    #expect(results.count == 1)
    #expect(unreached.isEmpty)
    #expect(result.check == "partial-last-window")
    #expect(result.status == .crashed, "\(result.message)")
    #expect(result.message.contains("Fatal error"), "the runtime's reason is missing: \(result.message)")
  }

  @Test("An endless loop is stopped at the time limit and reported as timed out")
  func endlessLoop() async throws {
    let outcome = try #require(
      await #expect(processExitsWith: .failure, observing: [\.standardOutputContent, \.standardErrorContent]) {
        IsolatedGrading.runChild(.ex3, checks: ["window-of-one"], code: Misbehaving.endlessLoop, timeLimit: 1)
      })
    #expect(outcome.exitStatus == .exitCode(IsolatedGrading.timedOutExitCode))
    let (results, unreached) = collected(outcome, .ex3, checks: ["window-of-one"], timeLimit: 1)
    let result = try #require(results.first)
    #expect(results.count == 1)
    #expect(unreached.isEmpty)
    #expect(result.check == "window-of-one")
    #expect(result.status == .timedOut, "\(result.message)")
    #expect(result.message.contains("after 1 s"), "\(result.message)")
  }

  @Test("Checks before a crash keep their results; only those after it are unreached")
  func resultsBeforeACrashSurvive() async throws {
    // In the exercise's order: one-window passes (its windows are full),
    // partial-last-window crashes, window-losses never runs.
    let ids = ["one-window", "partial-last-window", "window-losses"]
    let outcome = try #require(
      await #expect(processExitsWith: .failure, observing: [\.standardOutputContent, \.standardErrorContent]) {
        IsolatedGrading.runChild(
          .ex3, checks: ["one-window", "partial-last-window", "window-losses"], code: Misbehaving.indexOutOfRange,
          timeLimit: 30)
      })
    let (results, unreached) = collected(outcome, .ex3, checks: ids, timeLimit: 30)
    #expect(results.map(\.check) == ["one-window", "partial-last-window"])
    #expect(results.map(\.status) == [.passed, .crashed])
    #expect(unreached == ["window-losses"])
  }
}
