import Grading

#if !WORKBOOK_HANDOUT
  import References
#endif

/// The reference solutions, when this copy of the workbook has them: a
/// student's copy (`workbook handout`) does not, and its demos then ask
/// for the student's own code instead of showing the answer.
enum ReferenceCode {
  #if WORKBOOK_HANDOUT
    static let code: WorkbookCode? = nil
  #else
    static let code: WorkbookCode? = References.code
  #endif

  /// The reference, or the error a student's copy gives instead.
  static func required(for exercise: Exercise) throws -> WorkbookCode {
    guard let code else {
      throw CommandFailure(
        "\(exercise.name) is not implemented yet: write your code first (fill in TODO(\(exercise.name)) in "
          + "\(exercise.sourceFile)). This copy of the workbook has no reference solutions to show instead.")
    }
    return code
  }
}
