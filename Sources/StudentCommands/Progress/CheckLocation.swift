import Foundation
import Harness
import WorkbookKit
import Judge

/// The line of an exercise's file that a check's result is about, so that
/// `swift test` can put a failure on the student's own code (an editor then
/// marks that line, not the test harness).
///
/// In order of preference:
/// 1. the line the message names in this file ("NormClipping.swift:72",
///    from a crash the runtime located);
/// 2. the function a "not implemented yet" message names;
/// 3. the first function to implement whose name the check's sentence, or
///    else its message, mentions;
/// 4. the file's first TODO, or its first function to implement.
///
/// A function's line is its TODO while it has one, else its `func` line.
public enum CheckLocation {
  /// The graded file of `exercise` under `root`: Exercises/…, or
  /// Solutions/… when grading the reference solutions.
  public static func sourceFile(of exercise: Exercise, root: URL, solutions: Bool) -> URL {
    let relative = exercise.sourceFile
    return root.appendingPathComponent(
      solutions ? "Solutions/" + relative.dropFirst("Exercises/".count) : relative)
  }

  /// The line of `source` (the text of the file named `fileName`) that
  /// `result` is about; 1 when nothing in it fits.
  public static func line(of result: CheckResult, in source: String, fileName: String) -> Int {
    let lines = source.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    if let named = namedLine(in: result.message, fileName: fileName), named <= lines.count { return named }
    let functions = functionsToImplement(lines)
    if let name = notImplementedFunction(result.message), let function = functions.first(where: { $0.name == name }) {
      return function.line
    }
    for text in [result.title, result.message] {
      if let function = functions.first(where: { mentions(text, $0.name) }) { return function.line }
    }
    if let todo = lines.firstIndex(where: { $0.contains("TODO(") }) { return todo + 1 }
    return functions.first?.line ?? 1
  }

  /// A function after "// MARK: - To implement" (or anywhere, without that
  /// mark) and the line that stands for it.
  public struct Function: Equatable {
    var name: String
    var line: Int
  }

  public static func functionsToImplement(_ lines: [String]) -> [Function] {
    let start = lines.firstIndex { $0.contains("MARK: - To implement") } ?? 0
    var found: [(name: String, funcLine: Int, todoLine: Int?)] = []
    for index in start..<lines.count {
      let line = lines[index]
      if !line.hasPrefix(" "), let name = functionName(line) {
        found.append((name, index + 1, nil))
      } else if line.contains("TODO("), let last = found.indices.last, found[last].todoLine == nil {
        found[last].todoLine = index + 1
      }
    }
    return found.map { Function(name: $0.name, line: $0.todoLine ?? $0.funcLine) }
  }

  /// "gradNorm" in "public func gradNorm(_ parameters: …"; nil for a line
  /// that does not declare a function (a comment that says "func").
  private static func functionName(_ line: String) -> String? {
    let words = line.split(separator: " ")
    guard let index = words.firstIndex(of: "func"), index + 1 < words.count,
      words[..<index].allSatisfy({ $0.hasPrefix("@") || ["public", "internal", "package"].contains($0) })
    else { return nil }
    let name = words[index + 1].prefix { $0.isLetter || $0.isNumber || $0 == "_" }
    return name.isEmpty ? nil : String(name)
  }

  /// "gradNorm" in "gradNorm is not implemented yet: …".
  private static func notImplementedFunction(_ message: String) -> String? {
    guard let range = message.range(of: " is not implemented yet") else { return nil }
    let name = message[..<range.lowerBound]
    return name.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" } ? String(name) : nil
  }

  /// 72 in "… NormClipping.swift:72: Fatal error …".
  private static func namedLine(in message: String, fileName: String) -> Int? {
    guard let range = message.range(of: fileName + ":") else { return nil }
    return Int(message[range.upperBound...].prefix { $0.isNumber })
  }

  /// `name` as a whole word of `text`: "clipGradNorm" does not mention
  /// "gradNorm", "trainStep" does not mention "trainStepWithoutClipping".
  private static func mentions(_ text: String, _ name: String) -> Bool {
    var searchStart = text.startIndex
    while let range = text.range(of: name, range: searchStart..<text.endIndex) {
      let before = range.lowerBound == text.startIndex ? nil : text[text.index(before: range.lowerBound)]
      let after = range.upperBound == text.endIndex ? nil : text[range.upperBound]
      let isWordCharacter = { (c: Character?) in c.map { $0.isLetter || $0.isNumber || $0 == "_" } ?? false }
      if !isWordCharacter(before) && !isWordCharacter(after) { return true }
      searchStart = range.upperBound
    }
    return false
  }
}
