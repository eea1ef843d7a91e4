import AnswerKey
import Foundation
import Harness
import Judge
import Testing

@testable import StudentCommands

/// The list of exercises lives in several places: Package.swift (the
/// folders and the runners), `Exercise`, the checks, the hints, the
/// reference wiring, the runners' mains and their build names. One test
/// keeps them in step, as rustlings' `dev check` does, and checks that
/// each exercise file in Exercises/ is its Solutions/ twin outside the
/// bodies of its functions.
@Suite("One exercise catalogue")
struct CatalogueTests {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

  static func text(_ path: String) throws -> String {
    try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
  }

  @Test("Package.swift builds every exercise's folder, and no other")
  func packageFolders() throws {
    let manifest = try Self.text("Package.swift")
    let list = try #require(manifest.range(of: "let exerciseFolders = ["))
    let end = try #require(manifest[list.upperBound...].range(of: "]"))
    let folders = manifest[list.upperBound..<end.lowerBound].split(separator: "\"").enumerated()
      .filter { $0.offset % 2 == 1 }.map { String($0.element) }
    #expect(folders == Exercise.allCases.map(\.folder))
  }

  @Test("Every exercise has its files, checks, hints, reference and runner", arguments: Exercise.allCases)
  func everyPlace(_ exercise: Exercise) throws {
    let manager = FileManager.default
    #expect(manager.fileExists(atPath: Self.root.appendingPathComponent(exercise.sourceFile).path))
    #expect(manager.fileExists(atPath: Self.root.appendingPathComponent(exercise.guideFile).path))
    #expect(!Grader.checks(exercise).isEmpty)
    #expect(!Hints.hints(for: exercise).isEmpty)
    let code = ReferenceCode.code
    let held: [Exercise: Bool] = [
      .ex1: code.ex1 != nil, .ex2: code.ex2 != nil, .ex3: code.ex3 != nil, .ex4: code.ex4 != nil, .ex5: code.ex5 != nil,
      .ex6: code.ex6 != nil,
      .ex7: code.ex7 != nil,
    ]
    #expect(held[exercise] == true)
    for runner in [RunnerBuild.Runner.of(exercise), .demo(of: exercise)] {
      let main = try Self.text("Sources/Runners/\(runner.name)/main.swift")
      #expect(main.contains("ExerciseRunner.main(.\(exercise.name)"), "\(runner.name)")
      for linked in runner.exercises {
        #expect(main.contains("import Exercise\(linked.rawValue)"), "\(runner.name) links exercise \(linked.rawValue)")
      }
      #expect(try Self.text("Package.swift").contains("(\"\(runner.name)\", "), "\(runner.name) is not in Package.swift")
    }
  }

  /// The file without the bodies of its functions, without its plain `//`
  /// comments (a stub says where its TODOs are and how to grade it; the
  /// doc comments, the contract, must be the same) and without blank lines.
  static func outline(_ source: String) -> [String] {
    var lines: [String] = []
    var depth = 0
    var inSignature = false
    var bodyDepth: Int?
    for raw in source.split(separator: "\n", omittingEmptySubsequences: false) {
      let line = raw.trimmingCharacters(in: .whitespaces)
      let before = depth
      depth += raw.filter { $0 == "{" }.count - raw.filter { $0 == "}" }.count
      if let start = bodyDepth {
        if depth <= start { bodyDepth = nil }
        continue
      }
      if line.isEmpty || (line.hasPrefix("//") && !line.hasPrefix("///")) { continue }
      if !line.hasPrefix("//"), line.contains("func ") { inSignature = true }
      lines.append(line)
      // The signature ends at the line that opens the body.
      if inSignature, depth > before {
        inSignature = false
        bodyDepth = before
      }
    }
    return lines
  }

  @Test("An exercise file is its solution's twin outside function bodies", arguments: Exercise.allCases)
  func twins(_ exercise: Exercise) throws {
    let stub = Self.outline(try Self.text(exercise.sourceFile))
    let solution = Self.outline(try Self.text("Solutions/" + exercise.sourceFile.dropFirst("Exercises/".count)))
    let difference = stub.difference(from: solution)
    #expect(difference.isEmpty, "\(difference.map { "\($0)" }.prefix(6).joined(separator: "\n"))")
  }

  /// The engine is the engine only: the exercises' contract types live in
  /// Contract, so nothing in Autograd, not even a comment, is about one.
  @Test("The engine's sources mention no exercise")
  func engineKnowsNoExercise() throws {
    let folder = Self.root.appendingPathComponent("Sources/Autograd")
    let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".swift") }
    #expect(!files.isEmpty)
    for file in files {
      let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
      #expect(text.range(of: "exercise", options: .caseInsensitive) == nil, "Sources/Autograd/\(file)")
    }
  }
}
