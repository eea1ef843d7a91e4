/// One line of the grading protocol, from the runner (see `JudgeMessage`).
/// What a runner sends the judge.
public enum RunnerMessage: Codable, Sendable {
  case observation(id: UInt64, Observation)
  case clipQuestion(ClipQuestion)
  case synced(UInt64)
}
