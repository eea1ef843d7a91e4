import Harness
import Judge
import WorkbookKit
import Foundation

/// The compile errors in `swift build`'s output, shortened for a student.
///
/// The full log repeats every diagnostic, names the compiler invocation and
/// lists warnings; what matters is "file:line: error: what", plus the
/// source excerpt under it.
public enum BuildLog {
  /// Each error line (paths made relative to `root`) with the indented
  /// excerpt lines that follow it, at most `limit` errors, duplicates
  /// dropped.
  public static func errors(in log: String, root: String, limit: Int = 3) -> [[String]] {
    var blocks: [[String]] = []
    var seen = Set<String>()
    var current: [String]?
    let prefix = root.hasSuffix("/") ? root : root + "/"
    for raw in log.split(separator: "\n", omittingEmptySubsequences: false) {
      let line = String(raw).replacingOccurrences(of: prefix, with: "")
      if line.contains(": error: ") {
        if let block = current { blocks.append(block) }
        current = seen.insert(line).inserted ? [line] : nil
      } else if current != nil, isExcerpt(line) {
        current!.append(line)
      } else {
        if let block = current { blocks.append(block) }
        current = nil
      }
    }
    if let block = current { blocks.append(block) }
    return Array(blocks.prefix(limit))
  }

  /// The compiler's source excerpt: " 61 |   foo", "    |   `- error: …".
  private static func isExcerpt(_ line: String) -> Bool {
    let trimmed = line.drop { $0 == " " }
    guard line.hasPrefix(" "), !trimmed.isEmpty else { return false }
    return trimmed.first!.isNumber || trimmed.hasPrefix("|") || trimmed.hasPrefix("`") || trimmed.hasPrefix(":")
  }
}
