import Foundation

/// `swift build` of the workbook binary, as `watch` runs it after a change.
///
/// The student's code is compiled into the binary, so grading a change
/// means building first, then grading with the freshly built binary.
struct SwiftBuild {
  var root: URL

  enum Outcome {
    case built
    /// The compile errors, shortened (see `BuildLog`), and the full log.
    case failed(errors: [[String]], log: String)
  }

  /// Builds the `workbook` product.
  func build() throws -> Outcome {
    let run = try swift(["build", "--product", "workbook"])
    if run.termination == .exited(0) { return .built }
    let log = run.output + "\n" + run.errorOutput
    return .failed(errors: BuildLog.errors(in: log, root: root.path), log: log)
  }

  /// Where `swift build` puts the binary (`swift build --show-bin-path`).
  func binPath() throws -> URL {
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
