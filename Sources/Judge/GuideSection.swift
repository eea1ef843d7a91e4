import Foundation

/// Where a guide explains something: file and line of a heading.
///
/// The line is looked up in the guide itself when the message is made, so
/// it stays right when the guide is edited. Without the file (e.g. run from
/// another directory) the reference still names the file and heading.
public struct GuideSection: Codable, Sendable, Equatable, CustomStringConvertible {
  public var file: String
  public var heading: String
  public var line: Int?

  public init(file: String, heading: String, root: URL? = nil) {
    self.file = file
    self.heading = heading
    let base = root ?? URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    if let text = try? String(contentsOf: base.appendingPathComponent(file), encoding: .utf8) {
      line = text.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { row in
        row.hasPrefix("#") && row.drop(while: { $0 == "#" }).trimmingCharacters(in: .whitespaces) == heading
      }.map { $0 + 1 }
    }
  }

  /// The section that explains `mistake` in the guide of `exercise`, whose
  /// check named it; in the first guide that explains it if that guide
  /// does not (it should: `Mistake.guides` lists every exercise whose
  /// checks can name the mistake).
  ///
  ///     GuideSection(.lossNotDivided, checkedBy: .ex4).file
  ///     // "Exercises/ex4-accumulation-and-clipping/README.md"
  public init(_ mistake: Mistake, checkedBy exercise: Exercise) {
    let guide = mistake.guides.contains(exercise) ? exercise : mistake.guides.first ?? exercise
    self.init(file: guide.guideFile, heading: mistake.heading)
  }

  /// "Exercises/ex3-gradient-accumulation/README.md:57", or the file alone
  /// when the heading's line is not known.
  public var location: String {
    "\(file)\(line.map { ":\($0)" } ?? "")"
  }

  /// "Exercises/ex3-gradient-accumulation/README.md:57 (“The loss is not divided”)"
  public var description: String {
    "\(location) (“\(heading)”)"
  }
}
