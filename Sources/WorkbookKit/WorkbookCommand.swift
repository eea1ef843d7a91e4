import Foundation

/// The `workbook` command's entry point (filled in by the CLI work).
public enum WorkbookCommand {
  public static func main() {
    FileHandle.standardError.write(Data("workbook: not built yet\n".utf8))
    exit(1)
  }
}
