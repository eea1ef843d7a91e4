// The lines a runner and the judge exchange while grading: one JSON object
// a line, on the runner's standard input (judge → runner) and standard
// output (runner → judge). The student's own output goes to standard error.

/// What the judge sends a runner.
public enum JudgeMessage: Codable, Sendable {
  /// Run this; answer with an observation that carries the same id.
  case request(id: UInt64, Request)
  case clipAnswer(ClipAnswer)
  /// Say `synced` with this token once every observation is written.
  case sync(UInt64)
}
