import Foundation

/// Whose code the runners hold: the student's in Exercises/, or the
/// reference in Solutions/ under `WORKBOOK_SOLUTIONS=1` (the instructor's
/// check that everything is green). Package.swift reads the same variable
/// to build the runners; this is the one place the workbook's code does.
public enum GradedCode {
  public static var isSolutions: Bool {
    ["1", "true", "yes"].contains((ProcessInfo.processInfo.environment["WORKBOOK_SOLUTIONS"] ?? "").lowercased())
  }
}
