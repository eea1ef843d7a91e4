import Harness
import Judge
import WorkbookKit
import Foundation

/// `swift build` of the exercises' runners, run by the workbook command
/// before it grades or shows a demo.
///
/// The student's code is compiled into the runners, never into the
/// `workbook` command itself, so grading a change means building first,
/// then running the freshly built runner: nothing is ever graded from a
/// binary older than the files.
public struct SwiftBuild {
  public var root: URL
  /// SwiftPM's build folder, relative to `root` unless absolute: `.build`,
  /// or what WORKBOOK_SCRATCH_PATH names. A workbook started with
  /// `swift run --scratch-path .build-portable workbook check` is given
  /// WORKBOOK_SCRATCH_PATH=.build-portable too, so that its runners are
  /// built, and looked for, in the same folder as itself (see .ci/run).
  public var scratchPath: String?

  public init(root: URL, scratchPath: String? = Self.scratchPathFromEnvironment) {
    self.root = root
    self.scratchPath = scratchPath
  }

  /// WORKBOOK_SCRATCH_PATH, when set and not empty.
  public static var scratchPathFromEnvironment: String? {
    ProcessInfo.processInfo.environment["WORKBOOK_SCRATCH_PATH"].flatMap { $0.isEmpty ? nil : $0 }
  }

  /// The build folder as a URL.
  public var scratchFolder: URL {
    guard let scratchPath else { return root.appendingPathComponent(".build") }
    return scratchPath.hasPrefix("/") ? URL(fileURLWithPath: scratchPath) : root.appendingPathComponent(scratchPath)
  }

  /// `--scratch-path <folder>` when it is not SwiftPM's default.
  private var scratchArguments: [String] { scratchPath.map { ["--scratch-path", $0] } ?? [] }

  public enum Outcome: Equatable {
    case built
    /// The compile errors, shortened (see `BuildLog`), and the full log.
    case failed(errors: [[String]], log: String)
  }

  /// Builds one product, or every product of the package when nil.
  public func build(product: String?) throws -> Outcome {
    let run = try swift(["build"] + scratchArguments + (product.map { ["--product", $0] } ?? []))
    if run.termination == .exited(0) { return .built }
    let log = run.output + "\n" + run.errorOutput
    return .failed(errors: BuildLog.errors(in: log, root: root.path), log: log)
  }

  /// Where `swift build` puts the programs: `<build folder>/debug`, which
  /// SwiftPM keeps as a link to the platform's folder; `swift build
  /// --show-bin-path` (a second run of SwiftPM) only where it is missing.
  public func binPath() throws -> URL {
    let link = scratchFolder.appendingPathComponent("debug")
    if FileManager.default.fileExists(atPath: link.path) { return link }
    let run = try swift(["build"] + scratchArguments + ["--show-bin-path"])
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
