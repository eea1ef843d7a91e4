import Foundation

/// `swift build` of the exercises' runners, run by the workbook command
/// before it grades or shows a demo.
///
/// The student's code is compiled into the runners, never into the
/// `workbook` command itself, so grading a change means building first,
/// then running the freshly built runner: nothing is ever graded from a
/// binary older than the files.
struct SwiftBuild {
  var root: URL

  enum Outcome: Equatable {
    case built
    /// The compile errors, shortened (see `BuildLog`), and the full log.
    case failed(errors: [[String]], log: String)
  }

  /// Builds one product, or every product of the package when nil.
  func build(product: String?) throws -> Outcome {
    let run = try swift(["build"] + (product.map { ["--product", $0] } ?? []))
    if run.termination == .exited(0) { return .built }
    let log = run.output + "\n" + run.errorOutput
    return .failed(errors: BuildLog.errors(in: log, root: root.path), log: log)
  }

  /// Where `swift build` puts the programs: `.build/debug`, which SwiftPM
  /// keeps as a link to the platform's folder; `swift build
  /// --show-bin-path` (a second run of SwiftPM) only where it is missing.
  func binPath() throws -> URL {
    let link = root.appendingPathComponent(".build/debug")
    if FileManager.default.fileExists(atPath: link.path) { return link }
    let run = try swift(["build", "--show-bin-path"])
    guard run.termination == .exited(0),
      let path = run.output.split(separator: "\n").last.map({ $0.trimmingCharacters(in: .whitespaces) }),
      !path.isEmpty
    else {
      throw CommandFailure("`swift build --show-bin-path` failed: \(run.errorOutput.trimmingCharacters(in: .whitespacesAndNewlines))")
    }
    return URL(fileURLWithPath: path)
  }

  private func swift(_ arguments: [String]) throws -> ChildRun {
    var child = ChildProcess(
      executable: URL(fileURLWithPath: "/usr/bin/env"), arguments: ["swift"] + arguments, currentDirectory: root)
    child.interruptSignal = SIGINT
    do {
      return try child.run()
    } catch {
      throw CommandFailure("could not run `swift \(arguments.joined(separator: " "))`: \(error.localizedDescription)")
    }
  }
}
