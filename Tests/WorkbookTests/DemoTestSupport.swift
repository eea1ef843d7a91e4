import AnswerKey
import Foundation
import Testing
@testable import WorkbookKit
@testable import StudentCommands
@testable import InstructorCommands
@testable import WorkbookCommand
@testable import Judge
import Harness

#if canImport(FoundationXML)
  import FoundationXML
#endif

extension Tag {
  @Tag static var demos: Self
}

/// Collects what a demo writes, as a terminal would show it.
final class CollectingOutput: DemoOutput, @unchecked Sendable {
  private(set) var lines: [String] = []
  private(set) var progressLines: [String] = []

  func line(_ text: String) { lines.append(text) }
  func progress(_ text: String) { progressLines.append(text) }

  var text: String { lines.joined(separator: "\n") }
}

/// One finished demo run: its summary and everything it printed.
struct DemoRun: Sendable {
  let summary: DemoSummary
  let lines: [String]
  let progressLines: [String]

  var text: String { lines.joined(separator: "\n") }

  /// The lines joined with spaces, so a sentence wrapped over two lines
  /// can be searched for whole.
  var prose: String { lines.joined(separator: " ") }

  func value(_ name: String) throws -> Double { try #require(summary.values[name], "no value \"\(name)\"") }

  func fact(_ name: String) throws -> String { try #require(summary.facts[name], "no fact \"\(name)\"") }
}

enum DemoFixture {
  /// Runs a demo with the reference solutions and the default seed.
  static func run(_ exercise: Exercise, _ configure: (inout DemoOptions) -> Void = { _ in }) throws -> DemoRun {
    var options = DemoOptions()
    configure(&options)
    let output = CollectingOutput()
    let summary = try Demos.run(exercise, code: ReferenceCode.code, options: options, output: output)
    return DemoRun(summary: summary, lines: output.lines, progressLines: output.progressLines)
  }

  // Each demo's defaults run once and are shared by the tests that read them.
  static let ex1 = Result { try run(.ex1) }
  static let ex2 = Result { try run(.ex2) }
  static let ex3 = Result { try run(.ex3) }
  static let ex4 = Result { try run(.ex4) }
  static let ex5 = Result { try run(.ex5) }
  static let ex6 = Result { try run(.ex6) }
  static let ex7 = Result { try run(.ex7) }

  static func defaults(_ exercise: Exercise) throws -> DemoRun {
    switch exercise {
    case .ex1: return try ex1.get()
    case .ex2: return try ex2.get()
    case .ex3: return try ex3.get()
    case .ex4: return try ex4.get()
    case .ex5: return try ex5.get()
    case .ex6: return try ex6.get()
    case .ex7: return try ex7.get()
    }
  }

  /// A fresh empty directory under the system's temporary directory.
  static func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("workbook-demo-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }

  /// Whether `data` parses as XML.
  static func isWellFormedXML(_ data: Data) -> Bool {
    XMLParser(data: data).parse()
  }

  /// The package root, found from this file's path.
  static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()
}
