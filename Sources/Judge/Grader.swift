import Foundation

/// Grades an exercise: runs each check's scenarios on the student's code
/// through an observer, and judges what it did against the answers.
public struct Grader: Sendable {
  public var answers: any AnswerSource
  /// The public seeds, or an autograder's draw.
  public var seeds: Seeds

  public init(answers: any AnswerSource, seeds: Seeds = .public) {
    self.answers = answers
    self.seeds = seeds
  }

  /// Every check of `exercise`, in the order a student should meet them.
  public static func checks(_ exercise: Exercise) -> [Check] {
    switch exercise {
    case .ex1: return NormClippingChecks.all
    case .ex2: return ValueClippingChecks.all
    case .ex3: return AccumulationChecks.all
    case .ex4: return AccumulationClippingChecks.all
    case .ex5: return MixedPrecisionChecks.all
    case .ex6: return AccumulationLimitsChecks.all
    case .ex7: return GradientHealthChecks.all
    }
  }

  public static func checkIDs(_ exercise: Exercise) -> [String] { checks(exercise).map(\.id) }

  /// The checks `ids` of `exercise` (all of them for nil), in order.
  public func grade(_ exercise: Exercise, checks ids: [String]? = nil, observer: any Observer) -> ExerciseReport {
    let chosen = Self.checks(exercise).filter { ids?.contains($0.id) ?? true }
    return ExerciseReport(exercise: exercise, results: chosen.map { grade($0, observer: observer) })
  }

  /// Lines of a student's output shown under a check that did not pass.
  public static let printedLimit = 20

  /// "Your code printed:" and the lines, or nothing when it printed none.
  static func printedSection(_ printed: [String]) -> String {
    let lines = Array(printed.drop { $0.isEmpty }.reversed().drop { $0.isEmpty }.reversed())
    guard !lines.isEmpty else { return "" }
    let shown = lines.prefix(printedLimit).map { "  | " + $0 }
    let more = lines.count > printedLimit ? ["  | … \(lines.count - printedLimit) more lines"] : []
    return "\nYour code printed:\n" + (shown + more).joined(separator: "\n")
  }

  /// One check's result.
  public func grade(_ check: Check, observer: any Observer) -> CheckResult {
    let started = Date()
    let requests = check.requests(seeds)
    var result: CheckResult
    do {
      let answers = try requests.map { try self.answers.answer($0) }
      switch observer.observe(requests, answers: answers, check: check) {
      case let .observed(observations, printed):
        result = check.judge(
          Evidence(items: zip(zip(requests, observations), answers).map { pair, answer in
            Evidence.Item(scenario: pair.0.scenario, student: pair.1, answer: answer)
          }))
        if result.status == .failed { result.message += Self.printedSection(printed) }
      case let .ended(status, message):
        result = CheckResult(
          exercise: check.exercise, check: check.id, title: check.title, status: status, message: message)
      }
    } catch {
      result = CheckResult(
        exercise: check.exercise, check: check.id, title: check.title, status: .failed,
        message: "The grader has no answer for this check: \(error)")
    }
    result.hidden = seeds.draw != nil && check.isSeeded
    result.seconds = Date().timeIntervalSince(started)
    return result
  }
}
