import Foundation
import Harness
import WorkbookKit
import Judge

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// `workbook reset exN`: puts the exercise's file back as it was shipped,
/// as rustlings' `reset` does, after keeping the student's version.
///
/// The shipped file comes from `.workbook/stubs/` in a handout, and from
/// git (the version at HEAD) in the full workbook.
public struct ResetCommand {
  var options: ResetOptions

  public init(options: ResetOptions) { self.options = options }
  var console = Console.standard
  var root = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
  /// Reads the answer to the question; nil at the end of input.
  var readAnswer: () -> String? = { readLine() }
  var inputIsTerminal: Bool = isatty(0) == 1

  /// Where the student's files are kept: inside the build folder, which
  /// git ignores and `swift package clean` leaves alone.
  static let backups = ".build/workbook-backups"

  public func run() throws -> ExitCode {
    let exercise = options.exercise
    let file = root.appendingPathComponent(exercise.sourceFile)
    try RunnerBuild.requireWorkbookFolder(root)
    let shipped = try Self.shipped(exercise, root: root)
    let current = (try? Data(contentsOf: file)) ?? Data()
    if current == shipped {
      console.line("\(exercise.sourceFile) is already the file as shipped; nothing to reset.")
      return .success
    }
    let backup = Self.backups + "/\(exercise.name)-\(Self.timestamp()).swift"
    if !options.yes {
      guard inputIsTerminal else {
        throw CommandFailure(
          "reset replaces \(exercise.sourceFile) with the shipped stub; add --yes to do it without being asked")
      }
      console.lines(
        TextWrap.wrap(
          "Reset \(exercise.sourceFile) to the shipped stub? Your version is kept at \(backup). [y/N]",
          width: console.width))
      let answer = (readAnswer() ?? "").trimmingCharacters(in: .whitespaces).lowercased()
      guard answer == "y" || answer == "yes" else {
        console.line("Nothing changed.")
        return .success
      }
    }
    let backupURL = root.appendingPathComponent(backup)
    do {
      try FileManager.default.createDirectory(
        at: backupURL.deletingLastPathComponent(), withIntermediateDirectories: true)
      try current.write(to: backupURL)
      try shipped.write(to: file, options: .atomic)
    } catch {
      throw CommandFailure("could not reset \(exercise.sourceFile): \(error.localizedDescription)")
    }
    console.lines(
      TextWrap.wrap(
        "\(exercise.sourceFile) is the shipped stub again. Your version is kept at \(backup).",
        width: console.width))
    return .success
  }

  /// The exercise's file as shipped.
  static func shipped(_ exercise: Exercise, root: URL) throws -> Data {
    let stub = root.appendingPathComponent(StudentCopy.stubsFolder).appendingPathComponent(exercise.sourceFile)
    if let data = try? Data(contentsOf: stub) { return data }
    let git = ChildProcess(
      executable: URL(fileURLWithPath: "/usr/bin/env"), arguments: ["git", "show", "HEAD:\(exercise.sourceFile)"],
      currentDirectory: root)
    if let run = try? git.run(), run.termination == .exited(0), !run.output.isEmpty {
      return Data(run.output.utf8)
    }
    throw CommandFailure(
      "no shipped copy of \(exercise.sourceFile) was found: neither \(StudentCopy.stubsFolder)/ nor git has one")
  }

  static func timestamp(_ date: Date = Date()) -> String {
    let formatter = DateFormatter()
    formatter.dateFormat = "yyyyMMdd-HHmmss"
    formatter.locale = Locale(identifier: "en_US_POSIX")
    return formatter.string(from: date)
  }
}
