import Contract
import Foundation
import Testing
@testable import WorkbookKit
@testable import StudentCommands
@testable import InstructorCommands
@testable import WorkbookCommand
@testable import Judge
import Harness

/// `workbook handout`: a student's copy holds no answer.
@Suite("The handout")
struct HandoutTests {
  static let root = DemoFixture.packageRoot

  /// A fresh handout, written once for the tests that read it.
  static let handout = Result { () throws -> URL in
    let folder = try DemoFixture.temporaryDirectory().appendingPathComponent("handout")
    try Handout(root: root).write(to: folder)
    return folder
  }

  /// Every text file below `folder`, relative path → contents.
  static func files(_ folder: URL) throws -> [String: String] {
    var files: [String: String] = [:]
    let enumerator = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: [.isRegularFileKey])
    while let url = enumerator?.nextObject() as? URL {
      guard (try url.resourceValues(forKeys: [.isRegularFileKey])).isRegularFile == true,
        let text = try? String(contentsOf: url, encoding: .utf8)
      else { continue }
      files[String(url.path.dropFirst(folder.path.count + 1))] = text
    }
    return files
  }

  /// The code of every Swift file below `folder` outside Exercises/, with
  /// comments and string literals removed: what could compute an answer.
  static func code(_ folder: URL) throws -> [String: String] {
    try files(folder).filter { $0.key.hasSuffix(".swift") && !$0.key.hasPrefix("Exercises/") }
      .mapValues(Fingerprint.strip)
  }

  @Test("The scan finds every fingerprint in the answer key and the solutions", arguments: Fingerprint.all)
  func scanWorks(_ fingerprint: Fingerprint) throws {
    let key = try Self.files(Self.root.appendingPathComponent("Sources/AnswerKey"))
      .merging(try Self.files(Self.root.appendingPathComponent("Solutions"))) { a, _ in a }
      .mapValues(Fingerprint.strip)
    #expect(key.values.contains { fingerprint.matches($0) }, "\(fingerprint.name) found nowhere")
  }

  @Test("No code outside Exercises/ holds an answer's fingerprint", arguments: Fingerprint.all)
  func noFingerprint(_ fingerprint: Fingerprint) throws {
    let found = try Self.code(try Self.handout.get()).filter { fingerprint.matches($0.value) }.keys.sorted()
    #expect(found.isEmpty, "\(fingerprint.name) in \(found)")
  }

  @Test("It keeps the shipped exercise files for reset")
  func stubs() throws {
    let folder = try Self.handout.get()
    for exercise in Exercise.allCases {
      let kept = try Data(contentsOf: folder.appendingPathComponent(Handout.stubsFolder + "/" + exercise.sourceFile))
      let shipped = try Data(contentsOf: folder.appendingPathComponent(exercise.sourceFile))
      #expect(kept == shipped)
    }
  }

  @Test("Its README describes the copy: every path it names is there, and no instructor's command")
  func readme() throws {
    let folder = try Self.handout.get()
    let readme = try String(contentsOf: folder.appendingPathComponent("README.md"), encoding: .utf8)
    #expect(readme.hasPrefix(HandoutReadme.introduction))
    #expect(readme.contains(HandoutReadme.studentsHeading))
    let paths = Self.paths(in: readme)
    #expect(paths.count >= 10, "\(paths)")
    for path in paths where !path.hasPrefix(".build/") {
      #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent(path).path), "\(path)")
    }
    for absent in [
      "WORKBOOK_SOLUTIONS", "workbook grade", "workbook handout", "workbook autograder", "workbook bench",
      "Solutions/", "Sources/AnswerKey", "Sources/References", "For instructors", "Benchmark", "fresh clone",
      "the graders' self-tests", "--reference",
    ] {
      #expect(!readme.contains(absent), "the copy's README mentions \(absent)")
    }
    for exercise in Exercise.allCases {
      #expect(readme.contains("| Exercise \(exercise.rawValue): \(exercise.title) | ✘ \(Grader.checkIDs(exercise).count) checks"))
    }
    let suites = try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("Tests").path)
    #expect(Set(suites) == ["AutogradTests", "ChartsTests", "DatasetsTests", "ExerciseTests"], "the table's suites")
  }

  /// The paths a Markdown text names: in backticks or as a link's target,
  /// with a slash in them, without a ":line" or a command around them.
  static func paths(in text: String) -> [String] {
    let pattern = #"`([.\w-]+/[^`\s]*)`|\]\(([^)\s:]+/[^)\s]*)\)"#
    let regex = try! NSRegularExpression(pattern: pattern)
    let range = NSRange(text.startIndex..., in: text)
    return regex.matches(in: text, range: range).compactMap { match in
      let group = match.range(at: 1).location != NSNotFound ? match.range(at: 1) : match.range(at: 2)
      guard let found = Range(group, in: text) else { return nil }
      return String(text[found].split(separator: ":")[0])
    }
  }

  @Test("A folder that exists, or whose parent does not, is refused before anything is written")
  func badFolders() throws {
    let base = try DemoFixture.temporaryDirectory()
    let missingParent = base.appendingPathComponent("no/such/folder")
    #expect(throws: CommandFailure.self) { try Handout(root: Self.root).write(to: missingParent) }
    #expect(!FileManager.default.fileExists(atPath: base.appendingPathComponent("no").path))
    try "x".write(to: base.appendingPathComponent("taken/file"), atomically: false, encoding: .utf8, createFolders: true)
    #expect(throws: CommandFailure.self) { try Handout(root: Self.root).write(to: base.appendingPathComponent("taken")) }
  }
}

extension String {
  fileprivate func write(to url: URL, atomically: Bool, encoding: String.Encoding, createFolders: Bool) throws {
    try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    try write(to: url, atomically: atomically, encoding: encoding)
  }
}

/// A trace of an exercise's answer in code: the formulas the exercises ask
/// the student to write, as they look once comments and strings are gone.
struct Fingerprint: Sendable, CustomTestStringConvertible {
  var name: String
  var pattern: String

  var testDescription: String { name }

  func matches(_ code: String) -> Bool { code.range(of: pattern, options: .regularExpression) != nil }

  static let all = [
    Fingerprint(name: "the clip factor's 1e-6", pattern: #"/\s*\([^)\n]*\b(1(\.0*)?e-0*6|0\.000001)\b[^)\n]*\)"#),
    Fingerprint(name: "maxNorm divided by the norm", pattern: #"[Mm]ax[Nn]orm\s*/\s*\("#),
    Fingerprint(
      name: "the ±c clamp",
      pattern: #"max\(\s*-\s*(\w+)\s*,\s*min\([^,]+,\s*\1\s*\)|min\(\s*max\([^,]+,\s*-\s*(\w+)\s*\)\s*,\s*\2\s*\)"#),
    Fingerprint(name: "the nᵢ / N weight", pattern: #"Double\(\s*[\w.]*count\s*\)\s*/\s*Double\("#),
    Fingerprint(name: "a summed token loss over a token count", pattern: #"\.sum\s*(/\s*Double\(|\*\s*\(\s*[\w.]+\s*/)"#),
    Fingerprint(name: "sums of squares all-reduced", pattern: #"allReduce\([^)\n]*[Ss]quares"#),
    Fingerprint(
      name: "the scaler's backoff and growth", pattern: #"(backoffFactor|growthFactor)\s*\*|\*=?\s*[\w.]*(backoffFactor|growthFactor)"#),
    Fingerprint(
      name: "unscaling a gradient",
      pattern: #"(grad|\$0)[^\n]*(/\s*[\w.]*[Ss]cale\b|\*\s*\(?\s*1(\.0)?\s*/\s*[\w.]*[Ss]cale\b)"#),
    Fingerprint(name: "AGC's eps under a unit's weight norm", pattern: #"max\([^,\n]+,\s*eps\s*\)"#),
    Fingerprint(name: "a column's mean taken from a gradient", pattern: #"-=\s*mean\b"#),
  ]

  /// `code` without comments and string literals, which name the formulas
  /// without computing them.
  static func strip(_ code: String) -> String {
    let chars = Array(code)
    var out = ""
    var i = 0
    func at(_ k: Int, _ c: Character) -> Bool { k < chars.count && chars[k] == c }
    while i < chars.count {
      if at(i, "/") && at(i + 1, "/") {
        while i < chars.count && chars[i] != "\n" { i += 1 }
      } else if at(i, "/") && at(i + 1, "*") {
        i += 2
        while i < chars.count && !(at(i, "*") && at(i + 1, "/")) { i += 1 }
        i += 2
      } else if at(i, "\"") {
        let triple = at(i + 1, "\"") && at(i + 2, "\"")
        i += triple ? 3 : 1
        while i < chars.count {
          if at(i, "\\") { i += 2; continue }
          if triple && at(i, "\"") && at(i + 1, "\"") && at(i + 2, "\"") { i += 3; break }
          if !triple && (at(i, "\"") || at(i, "\n")) { i += 1; break }
          i += 1
        }
        out += "\"\""
      } else {
        out.append(chars[i])
        i += 1
      }
    }
    return out
  }
}
