/// The help texts, in swift-argument-parser's shape: OVERVIEW, USAGE,
/// ARGUMENTS, OPTIONS, SUBCOMMANDS.
///
/// Generated from the same `VerbSpec`s the parser reads, so an option
/// cannot be accepted without being documented, or the other way round.
public enum Help {
  /// The width help is wrapped to unless told otherwise; the command
  /// passes `Terminal.width`, which is never wider.
  public static let width = Terminal.maximumWidth
  /// Where the descriptions start, as in swift-argument-parser.
  static let labelColumn = 26

  /// `workbook --help`, at 80 columns.
  public static var root: String { root(width: width) }

  /// `workbook --help`, wrapped to `width`.
  public static func root(width: Int) -> String {
    var lines = TextWrap.wrap("OVERVIEW: Exercises on gradient clipping and gradient accumulation, graded as you go.", width: width)
    lines += [""]
    lines += TextWrap.wrap(
      "Start with `swift run workbook`, which lists the exercises and says what to do next.", width: width)
    lines += [
      "",
      "USAGE: workbook [<subcommand>]",
      "",
      "OPTIONS:",
      row("-h, --help", "Show help information.", width: width),
      "",
      "SUBCOMMANDS:",
    ]
    for verb in Verb.visible {
      lines.append(row(verb == .list ? "list (default)" : verb.rawValue, verb.spec.summary, width: width))
    }
    lines += [""] + TextWrap.wrap("See 'workbook help <subcommand>' for detailed help.", width: width, indent: 2, firstIndent: 2)
    return lines.joined(separator: "\n")
  }

  /// `workbook <verb> --help`, wrapped to `width`.
  public static func text(for verb: Verb, width: Int = width) -> String {
    let spec = verb.spec
    var lines = TextWrap.wrap("OVERVIEW: " + spec.summary, width: width)
    if let discussion = spec.discussion {
      lines += [""] + TextWrap.wrap(discussion, width: width)
    }
    lines += ["", usage(spec, width: width)]
    if !spec.arguments.isEmpty {
      lines += ["", "ARGUMENTS:"] + spec.arguments.map { row($0.name, $0.help, width: width) }
    }
    lines += ["", "OPTIONS:"]
    for option in spec.options {
      let label = option.name + (option.valueName.map { " " + $0 } ?? "")
      lines.append(row(label, option.help + (option.defaultText.map { " (default: \($0))" } ?? ""), width: width))
    }
    lines.append(row("-h, --help", "Show help information.", width: width))
    return lines.joined(separator: "\n")
  }

  /// "USAGE: workbook check [<exercise>] [--time-limit <seconds>] [--json]",
  /// wrapped under the first argument.
  public static func usage(_ spec: VerbSpec, width: Int = width) -> String {
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
  static func row(_ label: String, _ description: String, width: Int = width) -> String {
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
  public static func errorFooter(for verb: Verb?, width: Int = width) -> String {
    guard let verb else { return "USAGE: workbook [<subcommand>]\nSee 'workbook --help' for the subcommands." }
    return TextWrap.wrapped(compactUsage(verb.spec), width: width, indent: "USAGE: ".count, firstIndent: 0) + "\n"
      + TextWrap.wrapped("See '\(verb.commandName) --help' for more.", width: width)
  }

  /// "USAGE: workbook run <exercise> [<options>]": the usage line that fits
  /// under an error message.
  static func compactUsage(_ spec: VerbSpec) -> String {
    let parts = spec.arguments.map { $0.isOptional ? "[\($0.name)]" : $0.name } + (spec.options.isEmpty ? [] : ["[<options>]"])
    return (["USAGE: \(spec.verb.commandName)"] + parts).joined(separator: " ")
  }
}
