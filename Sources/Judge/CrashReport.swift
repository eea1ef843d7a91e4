import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// What the runtime said about a crash, as a student reads it.
enum CrashReport {
  /// The runtime's own words ("Fatal error: Index out of range"), if any,
  /// without the runtime's module path in front.
  static func reason(_ errorOutput: String) -> String? {
    guard
      let line = errorOutput.split(separator: "\n").first(where: {
        $0.contains("Fatal error") || $0.contains("Precondition failed") || $0.contains("Assertion failed")
      })
    else { return nil }
    let text = String(line).trimmingCharacters(in: .whitespaces)
    for word in ["Fatal error", "Precondition failed", "Assertion failed"] {
      if let range = text.range(of: word) { return String(text[range.lowerBound...]) }
    }
    return text
  }

  /// Where in the student's file the crash happened, when the runtime or
  /// its backtrace says: "Exercises/ex3-…/GradientAccumulation.swift:42".
  ///
  /// The runtime names a file by its module ("Exercise3/File.swift:42"),
  /// which is not a path the student can open; it is mapped to the folder.
  static func location(_ errorOutput: String, exercise: Exercise) -> String? {
    let file = (exercise.sourceFile as NSString).lastPathComponent
    let folder = "Exercises/\(exercise.folder)/"
    for line in errorOutput.split(separator: "\n") {
      for prefix in ["\(folder)\(file):", "Exercise\(exercise.rawValue)/\(file):"] {
        guard let range = line.range(of: prefix) else { continue }
        let digits = line[range.upperBound...].prefix { $0.isNumber }
        if !digits.isEmpty { return "\(exercise.sourceFile):\(digits)" }
      }
    }
    return nil
  }

  static func signalName(_ signal: Int32) -> String? {
    switch signal {
    case SIGILL: return "SIGILL, a Swift runtime trap"
    case SIGTRAP: return "SIGTRAP, a Swift runtime trap"
    case SIGABRT: return "SIGABRT"
    case SIGSEGV: return "SIGSEGV"
    case SIGBUS: return "SIGBUS"
    case SIGFPE: return "SIGFPE"
    case SIGKILL: return "SIGKILL"
    default: return nil
    }
  }
}
