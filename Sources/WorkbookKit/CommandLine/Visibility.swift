/// When Gradescope shows a test or the autograder's output to students
/// (its `visibility` field).
public enum Visibility: String, Codable, CaseIterable, Sendable {
  case hidden
  case afterDueDate = "after_due_date"
  case afterPublished = "after_published"
  case visible
}
