/// What the person typed does not make a command: exit code 2.
///
/// Every case names the token at fault, so the one-line message says what to
/// fix without reading the help first.
public enum UsageError: Error, Equatable, Sendable {
  case unknownSubcommand(String, suggestion: String?)
  case unknownOption(String, verb: Verb, suggestion: String?)
  case missingValue(option: String, verb: Verb)
  case invalidValue(option: String, value: String, expected: String, verb: Verb)
  case flagTakesNoValue(option: String, verb: Verb)
  case unknownExercise(String, verb: Verb)
  case missingArgument(String, verb: Verb)
  case unexpectedArgument(String, verb: Verb)
  case conflictingOptions(String, String, verb: Verb)
  case notApplicable(option: String, exercise: String, appliesTo: String, verb: Verb)

  /// The subcommand whose usage line follows the message.
  public var verb: Verb? {
    switch self {
    case .unknownSubcommand: return nil
    case let .unknownOption(_, verb, _), let .missingValue(_, verb), let .invalidValue(_, _, _, verb),
      let .flagTakesNoValue(_, verb), let .unknownExercise(_, verb), let .missingArgument(_, verb),
      let .unexpectedArgument(_, verb), let .conflictingOptions(_, _, verb), let .notApplicable(_, _, _, verb):
      return verb
    }
  }

  /// The one-line message, without the "error: " prefix.
  public var message: String {
    func didYouMean(_ suggestion: String?) -> String { suggestion.map { ". Did you mean '\($0)'?" } ?? "." }
    switch self {
    case let .unknownSubcommand(token, suggestion):
      return "unknown subcommand '\(token)'\(didYouMean(suggestion))"
    case let .unknownOption(token, verb, suggestion):
      return "unknown option '\(token)' for '\(verb.commandName)'\(didYouMean(suggestion))"
    case let .missingValue(option, _):
      return "option '\(option)' needs a value."
    case let .invalidValue(option, value, expected, _):
      return "'\(value)' is not a valid value for '\(option)': expected \(expected)."
    case let .flagTakesNoValue(option, _):
      return "option '\(option)' takes no value."
    case let .unknownExercise(token, _):
      return "no exercise '\(token)': choose \(Verb.exerciseChoices)."
    case let .missingArgument(name, _):
      return name == "<exercise>" ? "which exercise? Add \(Verb.exerciseChoices)." : "missing \(name)."
    case let .unexpectedArgument(token, _):
      return "unexpected argument '\(token)'."
    case let .conflictingOptions(a, b, _):
      return "'\(a)' and '\(b)' cannot be used together."
    case let .notApplicable(option, exercise, appliesTo, _):
      return "'\(option)' does not apply to \(exercise): it is for \(appliesTo)."
    }
  }
}

/// What was asked could not be done: exit code 1.
///
/// Used for things outside the person's typing: a file that cannot be
/// written, a grading process that cannot start, a build that fails.
public struct CommandFailure: Error, Equatable, Sendable {
  public var message: String

  public init(_ message: String) { self.message = message }
}

/// The exit codes, kept distinct so scripts can tell "you typed it wrong"
/// from "it did not work".
public enum ExitCode: Int32, Sendable {
  case success = 0
  /// What was asked failed (a failing exercise, an unwritable file).
  case failure = 1
  /// The command line itself was wrong.
  case usage = 2
  /// A runner asked for a demo of code that is still a stub: the workbook
  /// command then shows the reference (or says to write the code first).
  case notImplemented = 5
}
