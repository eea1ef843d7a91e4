import Harness
import Judge
import WorkbookKit
import Foundation
import WorkbookKit

extension Console {
  /// Every command's way to grade: build the runners, grade in children,
  /// with a status line for each stage.
  public func grading(timeLimit: TimeInterval, what: String) throws -> WorkbookGrading {
    var grading = try WorkbookGrading(build: try RunnerBuild.here(), timeLimit: timeLimit)
    grading.onStage = { stage in
      switch stage {
      case .building: self.status("Building \(what)…")
      case .grading: self.status("Grading \(what)…")
      }
    }
    return grading
  }
}
