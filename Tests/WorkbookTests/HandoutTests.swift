import Contract
import Foundation
import Grading
import Testing

@testable import WorkbookKit

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

  /// The lines of the reference solutions' bodies that would give an
  /// answer away: every line inside a function of Solutions/ that no
  /// shipped stub has too, and that is more than punctuation, a lone
  /// keyword or the start of an error the contract names.
  static func referenceLines() throws -> [(file: String, line: String)] {
    // What the shipped stubs say (their worked examples included) is
    // handed to every student anyway.
    var stubLines = Set<String>()
    for exercise in Exercise.allCases {
      let stub = try String(contentsOf: root.appendingPathComponent(exercise.sourceFile), encoding: .utf8)
      stubLines.formUnion(stub.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) })
    }
    var lines: [(String, String)] = []
    for exercise in Exercise.allCases {
      let solution = "Solutions/" + exercise.sourceFile.dropFirst("Exercises/".count)
      let text = try String(contentsOf: root.appendingPathComponent(solution), encoding: .utf8)
      var depth = 0
      for raw in text.split(separator: "\n") {
        let line = raw.trimmingCharacters(in: .whitespaces)
        let inside = depth > 0
        depth += raw.filter { $0 == "{" }.count - raw.filter { $0 == "}" }.count
        guard inside, !line.hasPrefix("//"), !stubLines.contains(line), !line.hasPrefix("throw WorkbookError.")
        else { continue }
        let letters = line.filter { $0.isLetter || $0.isNumber }
        if letters.count < 16 { continue }
        lines.append((solution, line))
      }
    }
    return lines
  }

  @Test("It leaves out Solutions/ and every test that holds the reference")
  func leavesOut() throws {
    let folder = try Self.handout.get()
    for path in ["Solutions", "Sources/References", "Tests/GradingTests", "Tests/GradingFixture", "Tests/WorkbookTests"] {
      #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent(path).path), "\(path)")
    }
    for path in ["Package.swift", "Exercises", "Sources/Grading", "Sources/Runners", "Tests/ExerciseTests"] {
      #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent(path).path), "\(path)")
    }
  }

  @Test("No line of a reference solution's body appears anywhere in it")
  func noReferenceLine() throws {
    let files = try Self.files(try Self.handout.get())
    let lines = try Self.referenceLines()
    #expect(lines.count > 50, "too few reference lines to be a real guard: \(lines.count)")
    var found: [String] = []
    for (path, text) in files {
      let fileLines = Set(text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) })
      for reference in lines where fileLines.contains(reference.line) {
        found.append("\(path) has \(reference.file)'s line: \(reference.line)")
      }
    }
    #expect(found.isEmpty, "\(found.joined(separator: "\n"))")
  }

  @Test("It keeps the shipped exercise files for reset, and says in its README what it is")
  func stubsAndNote() throws {
    let folder = try Self.handout.get()
    for exercise in Exercise.allCases {
      let kept = try Data(contentsOf: folder.appendingPathComponent(Handout.stubsFolder + "/" + exercise.sourceFile))
      let shipped = try Data(contentsOf: folder.appendingPathComponent(exercise.sourceFile))
      #expect(kept == shipped)
    }
    let readme = try String(contentsOf: folder.appendingPathComponent("README.md"), encoding: .utf8)
    #expect(readme.hasPrefix(Handout.readmeNote))
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
