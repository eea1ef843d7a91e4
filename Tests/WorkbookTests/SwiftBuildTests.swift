import Foundation
import Testing
@testable import WorkbookKit
@testable import StudentCommands
@testable import InstructorCommands
@testable import WorkbookCommand
@testable import Judge
import Harness

/// The runners are built in the build folder the workbook itself was
/// built in: `.build`, or the one WORKBOOK_SCRATCH_PATH names.
@Suite("The runners' build folder")
struct SwiftBuildTests {
  static let root = URL(fileURLWithPath: "/work/book")

  @Test(
    "SwiftPM's .build unless a scratch path is given, relative to the workbook or absolute",
    arguments: [
      (String?.none, "/work/book/.build"), (".build-portable", "/work/book/.build-portable"),
      ("/tmp/scratch", "/tmp/scratch"),
    ])
  func scratchFolder(_ scratchPath: String?, _ expected: String) {
    #expect(SwiftBuild(root: Self.root, scratchPath: scratchPath).scratchFolder.path == expected)
  }
}
