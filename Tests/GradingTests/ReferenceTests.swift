import Grading
import References
import Testing

@Suite("The reference solutions pass every check", .tags(.correct))
struct ReferenceTests {
  @Test("The reference passes this check", arguments: CheckCase.all)
  func passes(_ check: CheckCase) throws {
    let result = try check.run(on: References.code)
    #expect(result.status == .passed, "[\(result.status.rawValue)] \(result.message)")
    #expect(result.mistake == nil)
  }
}
