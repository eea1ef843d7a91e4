import Foundation
import Harness

/// A command line, parsed and checked: what `workbook` was asked to do.
///
/// Parsing is separate from running so the tests can cover every verb and
/// every mistake without starting anything.
public enum Command: Equatable, Sendable {
  /// Help for `workbook` (nil) or for one subcommand.
  case help(Verb?)
  case list
  case check(CheckOptions)
  case hint(HintOptions)
  case watch(WatchOptions)
  case run(RunOptions)
  case grade(GradeOptions)
  case reset(ResetOptions)
  case handout(FolderOptions)
  case autograder(FolderOptions)
  case bench(BenchOptions)
  /// A runner's side of grading: answer the judge's requests.
  case observe(Exercise)
}

public struct CheckOptions: Equatable, Sendable {
  /// nil: every exercise.
  public var exercise: Exercise?
  public var timeLimit: TimeInterval = 30
  public var json = false

  public init(exercise: Exercise? = nil, timeLimit: TimeInterval = 30, json: Bool = false) {
    self.exercise = exercise
    self.timeLimit = timeLimit
    self.json = json
  }
}

public struct HintOptions: Equatable, Sendable {
  /// nil only with `reset` (start every exercise's hints over).
  public var exercise: Exercise?
  /// The function (or "Challenge") to get hints about; nil: the one whose
  /// check fails first.
  public var function: String?
  public var all = false
  public var reset = false

  public init(exercise: Exercise?, function: String? = nil, all: Bool = false, reset: Bool = false) {
    self.exercise = exercise
    self.function = function
    self.all = all
    self.reset = reset
  }
}

public struct WatchOptions: Equatable, Sendable {
  public var timeLimit: TimeInterval = 30

  public init(timeLimit: TimeInterval = 30) { self.timeLimit = timeLimit }
}

public struct RunOptions: Equatable, Sendable {
  /// Whose code the demo runs.
  public enum Source: Equatable, Sendable {
    /// The student's code if implemented, else the reference with a banner.
    case automatic
    case reference
    /// The student's code, or stop.
    case mine
  }

  public var exercise: Exercise
  public var source: Source = .automatic
  /// `--color` (true) or `--no-color` (false); nil decides by the terminal.
  public var color: Bool?
  /// Everything but `color` and `width`, which depend on the terminal.
  public var demo = DemoOptions()

  public init(exercise: Exercise, source: Source = .automatic, color: Bool? = nil, demo: DemoOptions = DemoOptions()) {
    self.exercise = exercise
    self.source = source
    self.color = color
    self.demo = demo
  }
}

/// `workbook reset exN [--yes]`.
public struct ResetOptions: Equatable, Sendable {
  public var exercise: Exercise
  /// Reset without asking.
  public var yes = false

  public init(exercise: Exercise, yes: Bool = false) {
    self.exercise = exercise
    self.yes = yes
  }
}

/// `workbook handout DIR` and `workbook autograder DIR`: the folder to write.
public struct FolderOptions: Equatable, Sendable {
  public var path: String

  public init(path: String) { self.path = path }
}

public struct GradeOptions: Equatable, Sendable {
  public var jsonPath: String?
  public var junitPath: String?
  public var timeLimit: TimeInterval = 30
  /// When students see the results.json's tests, and the autograder's
  /// standard output.
  public var visibility = Visibility.visible
  public var stdoutVisibility = Visibility.visible
  /// The optional exercises to grade too (`--capstone` is ex5).
  public var optional: [Exercise] = []
  /// Exercises whose file was not submitted (an autograder's): each
  /// scores 0 as "not submitted", without being built.
  public var notSubmitted: [Exercise] = []
  /// An autograder's hidden scenarios: a folder of answers for the seeds
  /// drawn when the bundle was made (`seeds.json`, `exN.json`).
  public var hiddenPath: String?
  /// When students see the checks graded on hidden scenarios.
  public var hiddenVisibility = Visibility.afterDueDate
  /// The user the students' code runs as (an autograder's unprivileged
  /// user, which cannot read the hidden answers); nil: this one.
  public var runAs: String?

  public init(
    jsonPath: String? = nil, junitPath: String? = nil, timeLimit: TimeInterval = 30,
    visibility: Visibility = .visible, stdoutVisibility: Visibility = .visible
  ) {
    self.jsonPath = jsonPath
    self.junitPath = junitPath
    self.timeLimit = timeLimit
    self.visibility = visibility
    self.stdoutVisibility = stdoutVisibility
  }
}

public struct BenchOptions: Equatable, Sendable {
  public var steps = 200
  public var runs = 3
  public var workloads = BenchWorkload.allCases

  public init(steps: Int = 200, runs: Int = 3, workloads: [BenchWorkload] = BenchWorkload.allCases) {
    self.steps = steps
    self.runs = runs
    self.workloads = workloads
  }
}
