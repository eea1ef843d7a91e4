import Foundation

// The lines a runner and the judge exchange while grading: one JSON object
// a line, on the runner's standard input (judge → runner) and standard
// output (runner → judge). The student's own output goes to standard error.

/// What the judge sends a runner.
public enum JudgeMessage: Codable, Sendable {
  /// Run this; answer with an observation that carries the same id.
  case request(id: UInt64, Request)
  case clipAnswer(ClipAnswer)
  /// Say `synced` with this token once every observation is written.
  case sync(UInt64)
}

/// What a runner sends the judge.
public enum RunnerMessage: Codable, Sendable {
  case observation(id: UInt64, Observation)
  case clipQuestion(ClipQuestion)
  case synced(UInt64)
}

/// Lines of JSON as the protocol writes them: NaN and infinities, which
/// JSON has no numbers for, as strings.
public enum ProtocolCoding {
  public static func encode<T: Encodable>(_ value: T) -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    encoder.nonConformingFloatEncodingStrategy = .convertToString(
      positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    return String(decoding: (try? encoder.encode(value)) ?? Data(), as: UTF8.self)
  }

  public static func decode<T: Decodable>(_ type: T.Type, from line: some StringProtocol) -> T? {
    let decoder = JSONDecoder()
    decoder.nonConformingFloatDecodingStrategy = .convertFromString(
      positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    return try? decoder.decode(type, from: Data(line.utf8))
  }
}
