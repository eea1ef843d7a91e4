@testable import AnswerKey
import Judge
import Testing

/// One check of one correct variant's exercise.
struct VariantCheck: CustomTestStringConvertible {
  var variant: CorrectVariant
  var check: CheckCase

  var testDescription: String { "\(variant.name): \(check.testDescription)" }

  static let all: [VariantCheck] = CorrectVariant.all.flatMap { variant in
    CheckCase.all.filter { check in
      check.exercise == variant.exercise && (variant.checks?.contains(check.id) ?? true)
    }.map { VariantCheck(variant: variant, check: $0) }
  }
}

extension VariantCheck: @unchecked Sendable {}

@Suite("Correct code written differently from the reference passes", .tags(.correct))
struct CorrectVariantTests {
  @Test("A correct variant passes this check of its exercise", arguments: VariantCheck.all)
  func passes(_ pair: VariantCheck) throws {
    let result = try pair.check.run(on: pair.variant.code)
    #expect(result.status == .passed, "[\(result.status.rawValue)] \(result.message)")
  }

  @Test("A variant written for some checks names checks of its exercise")
  func checksExist() {
    for variant in CorrectVariant.all {
      let ids = Set(CheckCase.all.filter { $0.exercise == variant.exercise }.map(\.id))
      #expect(variant.checks.map { $0.isSubset(of: ids) } ?? true, "\(variant.name)")
    }
  }

  @Test("Variants have distinct names")
  func distinctNames() {
    let names = CorrectVariant.all.map { "\($0.exercise.name) \($0.name)" }
    #expect(Set(names).count == names.count)
  }
}
