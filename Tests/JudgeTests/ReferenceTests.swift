import AnswerKey
import Contract
import Judge
import Testing

@Suite("The reference solutions pass every check", .tags(.correct))
struct ReferenceTests {
  @Test("The reference passes this check", arguments: CheckCase.all)
  func passes(_ check: CheckCase) throws {
    let result = try check.run(on: ReferenceCode.code)
    #expect(result.status == .passed, "[\(result.status.rawValue)] \(result.message)")
  }

  /// clip_grad_norm_ results computed by PyTorch itself (torch 2.15.0,
  /// float64), so the answer key is checked against the library students
  /// will use, not only against this workbook's reading of its formula.
  /// Produced by:
  ///
  ///     for param, g in zip(params, grads): param.grad = torch.tensor(g)
  ///     total = torch.nn.utils.clip_grad_norm_(params, max_norm, norm_type=p)
  static let pytorch: [(total: Double, clipped: [[Double]])] = [
    (13.0, [[0.23076921301775288, 0.3076922840236705], [0.9230768520710115]]),
    (13.0, [[2.9999997692307874, 3.9999996923077163], [11.99999907692315]]),
    (1000.0282808500967, [[0.00014999575784246154, -0.00044998727352738466, 0.0006749809102910769],
      [0.2999915156849231, -0.0020999406097944617], [0.0]]),
    (1000.0, [[0.000999999999, -0.002999999997, 0.0044999999955], [1.999999998, -0.013999999986], [0.0]]),
    (0.55, [[0.1, -0.2], [0.05, 0.3, -0.4]]),
    (0.007, [[1.4283673760891302e-05, 2.8567347521782604e-05], [-5.713469504356521e-05]]),
  ]

  @Test("The answer key's clipGradNorm gives PyTorch's own numbers to 1e-12", arguments: 0..<6)
  func matchesPyTorch(_ index: Int) throws {
    let check = try #require(Grader.checks(.ex1).first { $0.id == "matches-pytorch" })
    let answer = try AnswerKey.shared.answer(check.requests(.public)[index])
    let (total, clipped) = Self.pytorch[index]
    guard case let .number(returned)? = answer.expected.outcome.returned else {
      Issue.record("the reference did not return a number")
      return
    }
    #expect(abs(returned - total) <= 1e-12 * total)
    #expect(Agreement.distance(answer.expected.gradients ?? [], clipped.map { $0 }) <= 1e-12)
  }
}
