import Foundation

/// Answers read from the data the answer key wrote: what a student's copy
/// and an autograder judge with, holding no code that computes an answer.
///
/// One file per exercise, `exN.json`: a JSON object from each request's
/// key (`RecordedAnswers.key(for:)`) to its `Answer`. Several folders may
/// be given; the first that holds a request's answer gives it.
public struct RecordedAnswers: AnswerSource {
  private let tables: [[String: Answer]]

  /// Loads every `exN.json` in `folders`.
  ///
  /// - Throws: `MissingAnswer` when a file is there but cannot be read.
  public init(folders: [URL]) throws {
    var tables: [[String: Answer]] = []
    for folder in folders {
      var table: [String: Answer] = [:]
      for exercise in Exercise.allCases {
        let file = folder.appendingPathComponent("\(exercise.name).json")
        guard FileManager.default.fileExists(atPath: file.path) else { continue }
        guard let data = try? String(contentsOf: file, encoding: .utf8),
          let entries = ProtocolCoding.decode([String: Answer].self, from: data)
        else { throw MissingAnswer("\(file.path) cannot be read as answers") }
        table.merge(entries) { first, _ in first }
      }
      tables.append(table)
    }
    self.tables = tables
  }

  public func answer(_ request: Request) throws -> Answer {
    let key = Self.key(for: request)
    for table in tables {
      if let answer = table[key] { return answer }
    }
    throw MissingAnswer(
      "no recorded answer for \(request.exercise.name) (\(request.scenario)); the answer data is older than the "
        + "checks: write it again with `workbook handout` from the full workbook")
  }

  /// A request's key in the data: the SHA-256 of its JSON, in hex.
  public static func key(for request: Request) -> String {
    SHA256.hash(Array(ProtocolCoding.encode(request).utf8)).hex
  }
}

/// Where a student's copy keeps the answer data `workbook handout` wrote.
public enum AnswerData {
  public static let folder = ".workbook/answers"
}
