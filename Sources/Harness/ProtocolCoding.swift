import Foundation

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
