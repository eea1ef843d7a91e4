/// Where a student's copy (`workbook handout`) keeps what it adds to the
/// workbook's own files.
public enum StudentCopy {
  /// The exercise files as shipped, which `workbook reset` restores.
  public static let stubsFolder = ".workbook/stubs"
}
