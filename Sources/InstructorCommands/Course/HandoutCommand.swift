import Foundation
import Harness
import WorkbookKit
import Judge
import StudentCommands

public struct HandoutCommand {
  public init(options: FolderOptions) { self.options = options }

  var options: FolderOptions
  var console = Console.standard
  var root = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)

  public func run() throws -> ExitCode {
    let folder = URL(fileURLWithPath: options.path).standardizedFileURL
    try RunnerBuild.requireWorkbookFolder(root)
    let files = try Handout(root: root).write(to: folder)
    console.lines(
      TextWrap.wrap(
        "Wrote a student copy to \(folder.path): \(files.count) files, no Solutions/ and no tests that hold "
          + "the reference. In it: swift run workbook.", width: console.width))
    return .success
  }
}
