/// Runs a check's requests on the graded code: in this process (the answer
/// key, the graders' self-tests) or in a runner's child process (a
/// student's code).
public protocol Observer {
  /// What the code did for each of `requests`, the clipping of request i
  /// answered from `answers[i]`; or how the run ended before it was done.
  func observe(_ requests: [Request], answers: [Answer], check: Check) -> CheckRun
}

/// What running one check's requests gave.
public enum CheckRun {
  /// What the code did, and what it printed meanwhile (shown under a
  /// check that fails: a student debugging with `print` should see it).
  case observed([Observation], printed: [String] = [])
  /// The check cannot be judged: the code crashed, ran out of time or
  /// wrote something that is not an observation (`tampered`). The message
  /// says what happened.
  case ended(CheckResult.Status, String)
}

/// Runs trusted code (the reference, a known mistake, a self-test's
/// variant) in this process.
public struct InProcessObserver: Observer {
  public var code: WorkbookCode

  public init(code: WorkbookCode) { self.code = code }

  public func observe(_ requests: [Request], answers: [Answer], check: Check) -> CheckRun {
    .observed(zip(requests, answers).map { request, answer in
      Harness.observe(request, code: code, clipping: answer.clipping)
    })
  }
}
