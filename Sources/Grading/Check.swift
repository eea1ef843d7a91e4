import Autograd
import Contract

/// A failed expectation, with what it most likely means. Thrown inside a
/// check's body to end it.
public struct Finding: Error, Sendable {
  public var message: String
  public var mistake: Mistake?

  public init(_ message: String, mistake: Mistake? = nil) {
    self.message = message
    self.mistake = mistake
  }
}

/// One graded property of an exercise, run against any implementation.
public struct Check<Code> {
  /// Stable id, e.g. "clip-above-threshold"; `swift test` names cases by it.
  public let id: String
  /// A sentence saying what must hold.
  public let title: String
  let body: (Code) throws -> Void

  public init(_ id: String, _ title: String, _ body: @escaping (Code) throws -> Void) {
    self.id = id
    self.title = title
    self.body = body
  }

  /// Runs the check. An unfilled stub, a `Finding` and any other error the
  /// student's code throws each become a result; nothing escapes.
  public func run(_ code: Code, exercise: Exercise) -> CheckResult {
    func result(_ status: CheckResult.Status, _ message: String, _ mistake: Mistake? = nil) -> CheckResult {
      CheckResult(
        exercise: exercise, check: id, title: title, status: status, message: message,
        mistake: mistake, guide: mistake.map { GuideReference($0, checkedBy: exercise) })
    }
    do {
      try body(code)
      return result(.passed, "ok")
    } catch let finding as Finding {
      var message = finding.message
      if let mistake = finding.mistake {
        // The guide beside the exercise being graded, not another one.
        let guide = GuideReference(mistake, checkedBy: exercise)
        message += "\nThis looks like \(mistake.label). Read \(guide.location)."
      }
      return result(.failed, message, finding.mistake)
    } catch let WorkbookError.notImplemented(number, function) {
      let file = Exercise(rawValue: number)?.sourceFile ?? "Exercises/"
      let elsewhere = number == exercise.rawValue ? "" : " (exercise \(exercise.rawValue) uses it: finish exercise \(number) first)"
      return result(.notImplemented, "\(function) is not implemented yet: fill in TODO(ex\(number)) in \(file)\(elsewhere).")
    } catch {
      return result(.failed, "your code threw an error this check did not expect: \(error)")
    }
  }
}

/// A check with its implementation type erased, so the runners can list
/// and run the checks of any exercise alike.
public struct AnyCheck {
  public let exercise: Exercise
  public let id: String
  public let title: String
  private let runner: (WorkbookCode) -> CheckResult

  init<Code>(_ check: Check<Code>, exercise: Exercise, code: @escaping (WorkbookCode) -> Code?) {
    self.exercise = exercise
    id = check.id
    title = check.title
    runner = { workbook in
      guard let code = code(workbook) else {
        // A wiring mistake of the grading program, not the student's.
        return CheckResult(
          exercise: exercise, check: check.id, title: check.title, status: .failed,
          message: "internal error: this grading program holds no code for \(exercise.name)")
      }
      return check.run(code, exercise: exercise)
    }
  }

  public func run(_ code: WorkbookCode) -> CheckResult { runner(code) }
}
