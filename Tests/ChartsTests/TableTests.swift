import Charts
import Testing

@Suite("Table")
struct TableTests {
  let table = Table(
    columns: [.init("run"), .init("final loss", alignment: .right), .init("steps", alignment: .right)],
    rows: [["baseline", "0.123", "1000"], ["clip=1.0", "0.0456", "800"], ["accum×4", "nan", "50"]])

  @Test("Box drawing frames every row and all lines are equally wide")
  func box() {
    let lines = table.render().split(separator: "\n").map(String.init)
    #expect(lines.count == 3 + 1 + 3)  // borders, header, rows
    #expect(lines.first!.hasPrefix("┌") && lines.first!.hasSuffix("┐"))
    #expect(lines[2].hasPrefix("├") && lines[2].contains("┼") && lines[2].hasSuffix("┤"))
    #expect(lines.last!.hasPrefix("└") && lines.last!.contains("┴") && lines.last!.hasSuffix("┘"))
    #expect(Set(lines.map { $0.unicodeScalars.count }).count == 1, "\(lines)")
  }

  @Test(
    "Cells are aligned as their column asks",
    arguments: [
      ("baseline", "│ baseline │"), ("0.123", "│      0.123 │"), ("800", "│   800 │"), ("accum×4", "│ accum×4  │"),
    ])
  func alignment(cell: String, expectedFragment: String) {
    #expect(table.render().contains(expectedFragment), "\(table.render())")
  }

  @Test("Column width follows the widest cell or header")
  func widths() {
    let header = table.render().split(separator: "\n")[1]
    #expect(header == "│ run      │ final loss │ steps │")
  }

  @Test("Wide characters count as two columns")
  func wideCharacters() {
    let t = Table(columns: [.init("name"), .init("x", alignment: .right)], rows: [["日本", "1"], ["ab", "22"]])
    let lines = t.render().split(separator: "\n").map(String.init)
    #expect(lines[3] == "│ 日本 │  1 │")
    #expect(lines[4] == "│ ab   │ 22 │")
  }

  @Test("Ragged rows are padded or cut to the header's length", arguments: [[String](), ["only"], ["a", "b", "c", "d"]])
  func ragged(row: [String]) {
    let t = Table(columns: [.init("a"), .init("b"), .init("c")], rows: [row])
    let lines = t.render().split(separator: "\n")
    #expect(lines[3].filter { $0 == "│" }.count == 4)
    #expect(!t.render().contains("d │"))
  }

  @Test("Markdown has a header, an alignment rule and one line per row")
  func markdown() {
    let lines = table.renderMarkdown().split(separator: "\n").map(String.init)
    #expect(lines.count == 2 + 3)
    #expect(lines[0] == "| run      | final loss | steps |")
    #expect(lines[1] == "| :------- | ---------: | ----: |")
    #expect(lines[2] == "| baseline |      0.123 |  1000 |")
  }

  @Test("Markdown escapes pipes and flattens line breaks")
  func markdownEscaping() {
    let t = Table(columns: [.init("a|b")], rows: [["x|y"], ["two\nlines"]])
    let md = t.renderMarkdown()
    #expect(md.contains(#"a\|b"#))
    #expect(md.contains(#"x\|y"#))
    #expect(md.contains("two lines"))
    #expect(md.split(separator: "\n").count == 4)
  }

  @Test("A table with no columns renders as nothing")
  func noColumns() {
    #expect(Table(columns: []).render().isEmpty)
    #expect(Table(columns: []).renderMarkdown().isEmpty)
  }

  @Test("Rows can be added one at a time")
  func addRow() {
    var t = Table(columns: [.init("k"), .init("v", alignment: .right)])
    t.addRow(["lr", "0.1"])
    #expect(t.rows.count == 1)
    #expect(t.render().contains("│ lr │ 0.1 │"))
  }
}
