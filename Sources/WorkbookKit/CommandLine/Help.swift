/// The help texts, in swift-argument-parser's shape: OVERVIEW, USAGE,
/// ARGUMENTS, OPTIONS, SUBCOMMANDS.
///
/// Generated from the same `VerbSpec`s the parser reads, so an option
/// cannot be accepted without being documented, or the other way round.
public enum Help {
  /// Help lines are wrapped to this width, whatever the terminal.
  static let width = 80
  /// Where the descriptions start, as in swift-argument-parser.
  static let labelColumn = 26

  /// `workbook --help`.
  public static var root: String {
    var lines = [
      "OVERVIEW: Exercises on gradient clipping and gradient accumulation, graded as",
      "you go.",
      "",
      "Start with `swift run workbook`, which lists the exercises and says what to do",
      "next.",
      "",
      "USAGE: workbook [<subcommand>]",
      "",
      "OPTIONS:",
      row("-h, --help", "Show help information."),
      "",
      "SUBCOMMANDS:",
    ]
    for verb in Verb.visible {
      lines.append(row(verb == .list ? "list (default)" : verb.rawValue, verb.spec.summary))
    }
    lines += ["", "  See 'workbook help <subcommand>' for detailed help."]
    return lines.joined(separator: "\n")
  }

  /// `workbook <verb> --help`.
  public static func text(for verb: Verb) -> String {
    let spec = verb.spec
    var lines = TextWrap.wrap("OVERVIEW: " + spec.summary, width: width)
    if let discussion = spec.discussion {
      lines += [""] + TextWrap.wrap(discussion, width: width)
    }
    lines += ["", usage(spec)]
    if !spec.arguments.isEmpty {
      lines += ["", "ARGUMENTS:"] + spec.arguments.map { row($0.name, $0.help) }
    }
    lines += ["", "OPTIONS:"]
    for option in spec.options {
      let label = option.name + (option.valueName.map { " " + $0 } ?? "")
      lines.append(row(label, option.help + (option.defaultText.map { " (default: \($0))" } ?? "")))
    }
    lines.append(row("-h, --help", "Show help information."))
    return lines.joined(separator: "\n")
  }

  /// "USAGE: workbook check [<exercise>] [--time-limit <seconds>] [--json]",
  /// wrapped under the first argument.
  public static func usage(_ spec: VerbSpec) -> String {
    var parts = spec.arguments.map { $0.isOptional ? "[\($0.name)]" : $0.name }
    parts += spec.options.map { option in "[" + option.name + (option.valueName.map { " " + $0 } ?? "") + "]" }
    let head = "USAGE: \(spec.verb.commandName)"
    var lines: [String] = []
    var current = head
    for part in parts {
      if current.count + 1 + part.count > width && current.count > head.count {
        lines.append(current)
        current = String(repeating: " ", count: head.count) + " " + part
      } else {
        current += " " + part
      }
    }
    lines.append(current)
    return lines.joined(separator: "\n")
  }

  /// "  --json                  Print the reports as JSON.": the label
  /// indented by 2, the description at `labelColumn`, wrapped.
  static func row(_ label: String, _ description: String) -> String {
    let start = "  " + label
    if start.count + 2 > labelColumn {
      return start + "\n" + TextWrap.wrapped(description, width: width, indent: labelColumn)
    }
    var body = TextWrap.wrap(description, width: width, indent: labelColumn)
    body[0] = start + body[0].dropFirst(start.count)
    return body.joined(separator: "\n")
  }

  /// The two lines printed under a usage error: the usage, and where to
  /// read more.
  public static func errorFooter(for verb: Verb?) -> String {
    guard let verb else { return "USAGE: workbook [<subcommand>]\nSee 'workbook --help' for the subcommands." }
    return compactUsage(verb.spec) + "\nSee '\(verb.commandName) --help' for more."
  }

  /// "USAGE: workbook run <exercise> [<options>]": the usage line that fits
  /// under an error message.
  static func compactUsage(_ spec: VerbSpec) -> String {
    let parts = spec.arguments.map { $0.isOptional ? "[\($0.name)]" : $0.name } + (spec.options.isEmpty ? [] : ["[<options>]"])
    return (["USAGE: \(spec.verb.commandName)"] + parts).joined(separator: " ")
  }
}
