import Foundation

/// A table of strings for summarising runs (final loss, steps to converge,
/// peak gradient norm…) next to the charts.
///
/// Cells are already-formatted strings so the caller decides precision, e.g.
/// with `ChartFormat.compact`. Rows shorter than the header are padded with
/// empty cells and extra cells are dropped, so a ragged row never breaks the
/// layout of the rows around it.
public struct Table: Sendable, Equatable {
  /// Numbers read best right-aligned (digits line up), words left-aligned.
  public enum Alignment: Sendable, Equatable {
    case left
    case right
  }

  public struct Column: Sendable, Equatable {
    public var header: String
    public var alignment: Alignment

    public init(_ header: String, alignment: Alignment = .left) {
      self.header = header
      self.alignment = alignment
    }
  }

  public var columns: [Column]
  public var rows: [[String]]

  public init(columns: [Column], rows: [[String]] = []) {
    self.columns = columns
    self.rows = rows
  }

  public mutating func addRow(_ cells: [String]) {
    rows.append(cells)
  }

  /// Rows forced to the header's length, with line breaks flattened: one
  /// table row must stay one line of text.
  private var normalizedRows: [[String]] {
    rows.map { row in
      (0..<columns.count).map { i in
        i < row.count ? Self.singleLine(row[i]) : ""
      }
    }
  }

  private static func singleLine(_ text: String) -> String {
    String(text.map { $0.isNewline ? " " : $0 })
  }

  /// Column widths in terminal columns, not characters, so wide and
  /// combining characters do not push the borders out of line.
  private func widths(_ body: [[String]]) -> [Int] {
    columns.indices.map { i in
      ([Self.singleLine(columns[i].header)] + body.map { $0[i] }).map(DisplayWidth.of).max() ?? 0
    }
  }

  /// The table drawn with box-drawing characters, for terminals and logs.
  public func render() -> String {
    guard !columns.isEmpty else { return "" }
    let body = normalizedRows
    let widths = widths(body)

    func border(_ left: String, _ middle: String, _ right: String) -> String {
      left + widths.map { String(repeating: "─", count: $0 + 2) }.joined(separator: middle) + right
    }
    func line(_ cells: [String]) -> String {
      let padded = cells.indices.map { i in
        " " + DisplayWidth.pad(cells[i], to: widths[i], alignment: columns[i].alignment) + " "
      }
      return "│" + padded.joined(separator: "│") + "│"
    }

    var lines = [border("┌", "┬", "┐"), line(columns.map { Self.singleLine($0.header) })]
    lines.append(border("├", "┼", "┤"))
    lines += body.map(line)
    lines.append(border("└", "┴", "┘"))
    return lines.joined(separator: "\n")
  }

  /// The table as GitHub-flavoured Markdown, for pasting results into notes.
  ///
  /// Cells are padded so the source is readable too; `|` is escaped because
  /// it would otherwise start a new column.
  public func renderMarkdown() -> String {
    guard !columns.isEmpty else { return "" }
    let escape = { (text: String) in text.replacingOccurrences(of: "|", with: "\\|") }
    let header = columns.map { escape(Self.singleLine($0.header)) }
    let body = normalizedRows.map { $0.map(escape) }
    // Markdown needs at least three dashes per column.
    let widths = columns.indices.map { i in
      max(3, ([header[i]] + body.map { $0[i] }).map(DisplayWidth.of).max() ?? 0)
    }

    func line(_ cells: [String]) -> String {
      let padded = cells.indices.map { DisplayWidth.pad(cells[$0], to: widths[$0], alignment: columns[$0].alignment) }
      return "| " + padded.joined(separator: " | ") + " |"
    }
    let rule = columns.indices.map { i -> String in
      switch columns[i].alignment {
      case .left: return ":" + String(repeating: "-", count: widths[i] - 1)
      case .right: return String(repeating: "-", count: widths[i] - 1) + ":"
      }
    }
    return ([line(header), "| " + rule.joined(separator: " | ") + " |"] + body.map(line)).joined(separator: "\n")
  }
}
