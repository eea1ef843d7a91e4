import Autograd
import Contract
import Foundation
import Judge

/// The answer key: what the reference solutions and every known mistake do
/// in a scenario, computed by running them. Only the full workbook has it;
/// a student's copy and an autograder judge with the data it writes
/// (`AnswerData`).
public final class AnswerKey: AnswerSource, @unchecked Sendable {
  public static let shared = AnswerKey()

  private let lock = NSLock()
  private var cache: [String: Answer] = [:]

  public init() {}

  public func answer(_ request: Request) throws -> Answer {
    let key = RecordedAnswers.key(for: request)
    if let known = lock.withLock({ cache[key] }) { return known }
    let answer = Self.compute(request)
    lock.withLock { cache[key] = answer }
    return answer
  }

  /// Runs the reference and each known mistake of the exercise, handing
  /// the loops the reference clipping and keeping every call of it.
  static func compute(_ request: Request) -> Answer {
    let clips = ClipLog()
    let expected = Harness.observe(request, code: ReferenceCode.code, clipping: clips.answer)
    var mistakes: [MistakeRun] = []
    for known in KnownMistake.catalogue where known.exercise == request.exercise {
      let observation = Harness.observe(request, code: known.code, clipping: clips.answer)
      // A mistake that changes nothing here cannot be told from the
      // right code here, so it is no signature of this scenario.
      guard Agreement.distance(observation, expected) > 1e-14 else { continue }
      mistakes.append(
        MistakeRun(
          variant: known.name, mistake: known.mistake, explanation: known.explanation, function: known.function,
          observation: observation))
    }
    return Answer(expected: expected, mistakes: mistakes, clips: clips.records)
  }
}

/// The reference clipping, keeping a record of every call.
final class ClipLog {
  private(set) var records: [ClipRecord] = []

  func answer(_ question: ClipQuestion) -> ClipAnswer {
    let parameters = question.gradients.map { g -> Tensor in
      let p = Tensor([Double](repeating: 0, count: g?.count ?? 1), requiresGrad: true)
      if let g { p.grad = Tensor(g) }
      return p
    }
    let answer: ClipAnswer
    do {
      let norm = try ReferenceCode.clipper(
        parameters, maxNorm: question.maxNorm, normType: question.normType,
        errorIfNonfinite: question.errorIfNonfinite)
      answer = .scaled(factor: Self.factor(before: question.gradients, after: parameters), norm: norm)
    } catch {
      answer = .threw(Thrown(error))
    }
    let record = ClipRecord(question: question, answer: answer)
    if !records.contains(where: { $0.asks(record.question) && $0.question.digest == record.question.digest }) {
      records.append(record)
    }
    return answer
  }

  /// The common factor the reference clipping applied: the first entry it
  /// changed, else 1 (NaN when the factor was NaN).
  static func factor(before: [[Double]?], after parameters: [Tensor]) -> Double {
    for (old, p) in zip(before, parameters) {
      guard let old, let new = p.grad?.data else { continue }
      for (x, y) in zip(old, new) where x != 0 && x.isFinite {
        return y.isNaN ? .nan : y / x
      }
    }
    let all = parameters.compactMap(\.grad).flatMap(\.data)
    return all.contains(where: \.isNaN) && !before.compactMap { $0 }.joined().contains(where: \.isNaN) ? .nan : 1
  }
}
