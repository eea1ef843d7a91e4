import Harness

/// The tokens after the subcommand, sorted into flags, option values and
/// positional arguments against the subcommand's `VerbSpec`.
///
/// Accepts `--name value` and `--name=value`; `--` ends the options. A value
/// may start with "-" (so `--lr -1` reaches the range check and gets a
/// message about the value) but not with "--", which is taken as a
/// forgotten value followed by the next option.
struct Arguments: Equatable {
  var verb: Verb
  var positionals: [String] = []
  var flags: Set<String> = []
  var values: [String: String] = [:]

  init(verb: Verb) { self.verb = verb }

  /// Sorts `tokens` (what follows the subcommand).
  ///
  /// - Throws: `UsageError` naming the first token that does not fit.
  init(_ tokens: [String], spec: VerbSpec) throws(UsageError) {
    self.init(verb: spec.verb)
    var index = 0
    var optionsEnded = false
    while index < tokens.count {
      let token = tokens[index]
      index += 1
      if optionsEnded || !Self.looksLikeOption(token) {
        try addPositional(token, spec: spec)
        continue
      }
      if token == "--" {
        optionsEnded = true
        continue
      }
      let (name, inlineValue) = Self.split(token)
      guard let option = spec.option(named: name) else {
        throw .unknownOption(name, verb: spec.verb, suggestion: Self.suggestion(for: name, among: spec.options.map(\.name)))
      }
      if !option.takesValue {
        if inlineValue != nil { throw .flagTakesNoValue(option: name, verb: spec.verb) }
        flags.insert(name)
      } else if let inlineValue {
        guard !inlineValue.isEmpty else { throw .missingValue(option: name, verb: spec.verb) }
        values[name] = inlineValue
      } else if index < tokens.count, !tokens[index].hasPrefix("--") {
        values[name] = tokens[index]
        index += 1
      } else {
        throw .missingValue(option: name, verb: spec.verb)
      }
    }
  }

  /// A token is an option if it starts with "-", except a lone "-" and
  /// negative numbers, which are values.
  private static func looksLikeOption(_ token: String) -> Bool {
    guard token.hasPrefix("-"), token != "-" else { return false }
    return Double(token) == nil
  }

  private static func split(_ token: String) -> (name: String, value: String?) {
    guard token.hasPrefix("--"), let equals = token.firstIndex(of: "=") else { return (token, nil) }
    return (String(token[..<equals]), String(token[token.index(after: equals)...]))
  }

  private mutating func addPositional(_ token: String, spec: VerbSpec) throws(UsageError) {
    guard positionals.count < spec.arguments.count else { throw .unexpectedArgument(token, verb: spec.verb) }
    positionals.append(token)
  }

  // MARK: - Typed values

  func has(_ flag: String) -> Bool { flags.contains(flag) }

  /// The value of `option` read by `convert`, or nil if not given.
  func value<T>(_ option: String, expected: String, _ convert: (String) -> T?) throws(UsageError) -> T? {
    guard let text = values[option] else { return nil }
    guard let value = convert(text) else {
      throw .invalidValue(option: option, value: text, expected: expected, verb: verb)
    }
    return value
  }

  /// A whole number of at least `minimum`.
  func integer(_ option: String, atLeast minimum: Int) throws(UsageError) -> Int? {
    try value(option, expected: "a whole number ≥ \(minimum)") { Int($0).flatMap { $0 >= minimum ? $0 : nil } }
  }

  /// A finite number above 0.
  func positive(_ option: String) throws(UsageError) -> Double? {
    try value(option, expected: "a number > 0") { Double($0).flatMap { $0 > 0 && $0.isFinite ? $0 : nil } }
  }

  /// An exercise named like "ex3" or "3".
  func exercise(at position: Int) throws(UsageError) -> Exercise? {
    guard position < positionals.count else { return nil }
    guard let exercise = Exercise(name: positionals[position]) else {
      throw .unknownExercise(positionals[position], verb: verb)
    }
    return exercise
  }

  // MARK: - Suggestions

  /// The candidate closest to a mistyped `token`, if it is close enough to
  /// be a typo (at most a third of its letters off).
  static func suggestion(for token: String, among candidates: [String]) -> String? {
    let scored = candidates.map { ($0, editDistance(token, $0)) }
    guard let best = scored.min(by: { $0.1 < $1.1 }), best.1 <= max(1, token.count / 3) else { return nil }
    return best.0
  }

  /// Levenshtein distance, one row at a time.
  static func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    var row = Array(0...b.count)
    for i in 1...max(a.count, 1) where !a.isEmpty {
      var previousDiagonal = row[0]
      row[0] = i
      for j in stride(from: 1, through: b.count, by: 1) {
        let above = row[j]
        row[j] = min(row[j] + 1, row[j - 1] + 1, previousDiagonal + (a[i - 1] == b[j - 1] ? 0 : 1))
        previousDiagonal = above
      }
    }
    return row[b.count]
  }
}
