import Foundation
import Harness
import WorkbookKit
import Judge
import StudentCommands

#if !WORKBOOK_HANDOUT
  import AnswerKey
#endif

/// `workbook autograder DIR`: a Gradescope autograder, as a folder and the
/// `.zip` beside it that Gradescope takes.
///
/// The bundle holds `setup.sh`, `run_autograder`, `workbook/`, a student
/// copy of the workbook (see `Handout`), and `hidden/`: the answer key's
/// answers for scenarios on seeds drawn now, which no student's copy holds
/// (see `HiddenScenarios`). On Gradescope the student's code runs as an
/// unprivileged user that cannot read `hidden/`, and the judge grades every
/// check whose scenarios use seeds on those instead of the public ones: a
/// submission that copies the public answers passes `workbook check` and
/// fails there.
public struct AutograderCommand {
  var options: FolderOptions

  public init(options: FolderOptions) { self.options = options }
  var console = Console.standard
  var root = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)

  public func run() throws -> ExitCode {
    let folder = URL(fileURLWithPath: options.path).standardizedFileURL
    let zip = folder.appendingPathExtension("zip")
    // Everything that can go wrong is checked before anything is written.
    try OutputFolder.checkNew(folder, what: "the autograder")
    guard !FileManager.default.fileExists(atPath: zip.path) else {
      throw CommandFailure("cannot write the autograder's zip to \(zip.path): it already exists")
    }
    guard let zipTool = Self.zipTool() else {
      throw CommandFailure("cannot write the autograder's zip: neither `zip` nor `python3` is installed")
    }
    try RunnerBuild.requireWorkbookFolder(root)

    console.status("Drawing the hidden seeds and checking they tell every known mistake apart…")
    let seeds = try Self.hiddenSeeds()
    console.clearStatus()
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: false)
    try Handout(root: root).write(to: folder.appendingPathComponent("workbook"))
    try Self.writeHidden(seeds, to: folder.appendingPathComponent("hidden"))
    for (name, text) in [("setup.sh", AutograderScripts.setup), ("run_autograder", AutograderScripts.runAutograder)] {
      let url = folder.appendingPathComponent(name)
      try (text + "\n").write(to: url, atomically: true, encoding: .utf8)
      try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: url.path)
    }
    try Self.makeZip(of: folder, at: zip, with: zipTool)
    console.lines(
      TextWrap.wrap(
        "Wrote the autograder to \(folder.path) and \(zip.path) (Swift \(AutograderScripts.swiftVersion), "
          + "Ubuntu 22.04). Upload the zip on Gradescope's Configure Autograder page.", width: console.width))
    return .success
  }

  /// Seeds drawn from the system's generator, for which the hidden checks
  /// still do their job: every known mistake fails a check there too.
  static func hiddenSeeds() throws -> Seeds {
    #if WORKBOOK_HANDOUT
      throw CommandFailure("a student's copy has no answer key: make the autograder in the full workbook")
    #else
      for _ in 0..<5 {
        var generator = SystemRandomNumberGenerator()
        let seeds = Seeds(draw: UInt64.random(in: 1...UInt64.max, using: &generator))
        if HiddenSeedCheck.undetected(with: seeds).isEmpty { return seeds }
      }
      throw CommandFailure("five draws of hidden seeds in a row let a known mistake pass; try again")
    #endif
  }

  /// `hidden/`: the draw and the answers for it.
  static func writeHidden(_ seeds: Seeds, to folder: URL) throws {
    #if WORKBOOK_HANDOUT
      throw CommandFailure("a student's copy has no answer key: make the autograder in the full workbook")
    #else
      try AnswerWriter.write(to: folder, seeds: seeds)
      try JSONEncoder().encode(seeds).write(to: folder.appendingPathComponent(HiddenScenarios.seedsFile))
    #endif
  }

  enum ZipTool { case zip, python }

  static func zipTool() -> ZipTool? {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    let has = { (name: String) in
      path.split(separator: ":").contains { FileManager.default.isExecutableFile(atPath: "\($0)/\(name)") }
    }
    return has("zip") ? .zip : has("python3") ? .python : nil
  }

  /// Zips what `folder` holds, with `setup.sh` at the archive's root as
  /// Gradescope expects.
  static func makeZip(of folder: URL, at zip: URL, with tool: ZipTool) throws {
    let arguments: [String]
    switch tool {
    case .zip: arguments = ["zip", "-q", "-r", "-y", zip.path, "."]
    case .python: arguments = ["python3", "-m", "zipfile", "-c", zip.path] + (try FileManager.default.contentsOfDirectory(atPath: folder.path)).sorted()
    }
    let run = try ChildProcess(
      executable: URL(fileURLWithPath: "/usr/bin/env"), arguments: arguments, currentDirectory: folder
    ).run()
    guard run.termination == .exited(0) else {
      throw CommandFailure("could not write \(zip.path): \(run.errorOutput.trimmingCharacters(in: .whitespacesAndNewlines))")
    }
  }
}

/// `workbook handout DIR`: a student's copy, without the answers.
