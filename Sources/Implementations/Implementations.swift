import Exercise1
import Exercise2
import Exercise3
import Exercise4
import Grading
import Solution1
import Solution2
import Solution3
import Solution4

/// The exercise code as the graders and demos take it.
///
/// Two wirings of the same shape, one per folder: they differ only in the
/// module they name, which Swift cannot abstract over.
public enum Implementations {
  /// The student's code, in Exercises/.
  public static let exercises = WorkbookCode(
    ex1: NormClippingCode(
      gradNorm: Exercise1.gradNorm, clipGradNorm: Exercise1.clipGradNorm, trainStep: Exercise1.trainStep),
    ex2: ValueClippingCode(
      clipGradValue: Exercise2.clipGradValue, trainStep: Exercise2.trainStep,
      compareClipping: Exercise2.compareClipping),
    ex3: AccumulationCode(trainWithAccumulation: Exercise3.trainWithAccumulation),
    ex4: AccumulationClippingCode(
      trainWithAccumulationAndClipping: Exercise4.trainWithAccumulationAndClipping,
      clipGradNorm: Exercise1.clipGradNorm))

  /// The reference solutions, in Solutions/.
  public static let solutions = WorkbookCode(
    ex1: NormClippingCode(
      gradNorm: Solution1.gradNorm, clipGradNorm: Solution1.clipGradNorm, trainStep: Solution1.trainStep),
    ex2: ValueClippingCode(
      clipGradValue: Solution2.clipGradValue, trainStep: Solution2.trainStep,
      compareClipping: Solution2.compareClipping),
    ex3: AccumulationCode(trainWithAccumulation: Solution3.trainWithAccumulation),
    ex4: AccumulationClippingCode(
      trainWithAccumulationAndClipping: Solution4.trainWithAccumulationAndClipping,
      clipGradNorm: Solution1.clipGradNorm))

  /// True when built with WORKBOOK_SOLUTIONS=1 (see Package.swift).
  public static let gradingSolutions: Bool = {
    #if WORKBOOK_SOLUTIONS
      return true
    #else
      return false
    #endif
  }()

  /// What `swift test` and `workbook check` grade: Exercises/, or
  /// Solutions/ when built with WORKBOOK_SOLUTIONS=1.
  public static var graded: WorkbookCode { gradingSolutions ? solutions : exercises }

  /// "Exercises/" or "Solutions/", for messages.
  public static var gradedFolder: String { gradingSolutions ? "Solutions/" : "Exercises/" }
}
