import Contract
import Foundation
import Harness

/// The outcome of one check on one implementation.
public struct CheckResult: Codable, Sendable, Equatable {
  public enum Status: String, Codable, Sendable {
    case passed
    case failed
    /// The code threw `WorkbookError.notImplemented`: a stub not filled in.
    case notImplemented
    /// The code stopped the process (index out of range, force unwrap…).
    case crashed
    /// The code did not finish within the time limit (an endless loop?).
    case timedOut
    /// The grading process saw a result it did not send: the code tried
    /// to report a grade instead of earning it. Scored 0.
    case tampered
    /// The exercise's files do not compile, so none of its checks ran.
    case doesNotCompile
    /// An autograder's submission did not hold the exercise's file.
    case notSubmitted
  }

  public var exercise: Exercise
  public var check: String
  public var title: String
  public var status: Status
  /// What was seen and, on failure, what it most likely means.
  public var message: String
  /// The recognised mistakes, when what the code did matches what one (or,
  /// where they give the same result, each of several) does.
  public var mistakes: [Mistake]
  /// Where the guide explains each, in the same order.
  public var guides: [GuideSection]
  /// Whether the check ran on scenarios the student's copy does not hold
  /// (an autograder's hidden seeds).
  public var hidden: Bool
  /// How long the check ran, in seconds, when it was timed.
  public var seconds: Double?

  public init(
    exercise: Exercise, check: String, title: String, status: Status, message: String,
    mistakes: [Mistake] = [], guides: [GuideSection] = [], hidden: Bool = false, seconds: Double? = nil
  ) {
    self.exercise = exercise
    self.check = check
    self.title = title
    self.status = status
    self.message = message
    self.mistakes = mistakes
    self.guides = guides
    self.hidden = hidden
    self.seconds = seconds
  }

  public var passed: Bool { status == .passed }

  /// The mistake named, when exactly one is.
  public var mistake: Mistake? { mistakes.count == 1 ? mistakes[0] : nil }
}

/// Every check of one exercise.
public struct ExerciseReport: Codable, Sendable, Equatable {
  public enum State: String, Codable, Sendable {
    case passed
    case failing
    /// Every check met an unfilled stub.
    case notStarted = "not started"
    /// The exercise's files do not compile: no check could run.
    case doesNotCompile = "does not compile"
    /// The exercise's file was not in the submission.
    case notSubmitted = "not submitted"
  }

  public var exercise: Exercise
  public var results: [CheckResult]
  /// Information that is not scored, shown under the checks (for example
  /// whether exercise 4 also works with the student's own exercise 1).
  public var notes: [String]

  public init(exercise: Exercise, results: [CheckResult], notes: [String] = []) {
    self.exercise = exercise
    self.results = results
    self.notes = notes
  }

  public var passedCount: Int { results.filter(\.passed).count }

  public var state: State {
    if !results.isEmpty && results.allSatisfy(\.passed) { return .passed }
    if !results.isEmpty && results.allSatisfy({ $0.status == .notImplemented }) { return .notStarted }
    if !results.isEmpty && results.allSatisfy({ $0.status == .doesNotCompile }) { return .doesNotCompile }
    if !results.isEmpty && results.allSatisfy({ $0.status == .notSubmitted }) { return .notSubmitted }
    return .failing
  }
}
