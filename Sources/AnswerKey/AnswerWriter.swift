import Foundation
import Judge

/// Writes the answer key's answers as data: what a student's copy judges
/// with (the public seeds) and what an autograder judges with (its hidden
/// draw). The data holds, for each scenario, the expected observation and
/// each known mistake's, never code that computes an answer.
public enum AnswerWriter {
  /// Writes `exN.json` for each of `exercises` into `folder` (created if
  /// needed): the answers to every request of every check, with `seeds`.
  ///
  /// - Returns: the files written, relative to `folder`.
  @discardableResult
  public static func write(
    to folder: URL, seeds: Seeds, exercises: [Exercise] = Exercise.allCases, key: AnswerKey = .shared
  ) throws -> [String] {
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    var written: [String] = []
    for exercise in exercises {
      var table: [String: Answer] = [:]
      for check in Grader.checks(exercise) {
        for request in check.requests(seeds) { table[RecordedAnswers.key(for: request)] = try key.answer(request) }
      }
      let name = "\(exercise.name).json"
      try Data(ProtocolCoding.encode(table).utf8).write(to: folder.appendingPathComponent(name))
      written.append(name)
    }
    return written
  }
}
