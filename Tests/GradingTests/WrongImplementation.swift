import Grading
import Testing

/// Student code with one deliberate bug, and the mistake the graders must
/// name for it.
///
/// `code` is the reference with only `exercise`'s part replaced, so every
/// failing check is caused by that bug.
struct WrongImplementation: CustomTestStringConvertible {
  /// The catalogue entry's name, after its mistake ("stepOffByOne").
  var name: String
  /// nil for a bug no mistake name fits: then no check may name one, and
  /// a failing check's message must say `diagnosis`.
  var expected: Mistake?
  var exercise: Exercise
  /// What the student wrote, in a few words.
  var description: String
  var code: WorkbookCode
  /// Other mistakes the same bug really is in some checks, and may be named
  /// there (dividing every loss by accumulationSteps also weighs unequal
  /// micro-batches equally). Any other name would mislead the student.
  var alsoNamed: Set<Mistake> = []
  /// For an unnamed bug: words the failing message must contain.
  var diagnosis: String? = nil

  var testDescription: String { "\(name) in \(exercise.name): \(description)" }
}

// The closures in `code` are functions of this target and of the reference
// solutions; they capture no mutable state, so sharing them between the
// parallel test cases is safe.
extension WrongImplementation: @unchecked Sendable {}

extension WrongImplementation {
  init(
    _ name: String, _ expected: Mistake?, _ description: String, ex1: NormClippingCode, alsoNamed: Set<Mistake> = [],
    diagnosis: String? = nil
  ) {
    self.init(
      name: name, expected: expected, exercise: .ex1, description: description, code: .reference(ex1: ex1),
      alsoNamed: alsoNamed, diagnosis: diagnosis)
  }

  init(
    _ name: String, _ expected: Mistake?, _ description: String, ex2: ValueClippingCode, alsoNamed: Set<Mistake> = [],
    diagnosis: String? = nil
  ) {
    self.init(
      name: name, expected: expected, exercise: .ex2, description: description, code: .reference(ex2: ex2),
      alsoNamed: alsoNamed, diagnosis: diagnosis)
  }

  init(
    _ name: String, _ expected: Mistake?, _ description: String, ex3: AccumulationCode, alsoNamed: Set<Mistake> = [],
    diagnosis: String? = nil
  ) {
    self.init(
      name: name, expected: expected, exercise: .ex3, description: description, code: .reference(ex3: ex3),
      alsoNamed: alsoNamed, diagnosis: diagnosis)
  }

  init(
    _ name: String, _ expected: Mistake, _ description: String, ex4: AccumulationClippingCode, alsoNamed: Set<Mistake> = []
  ) {
    self.init(
      name: name, expected: expected, exercise: .ex4, description: description, code: .reference(ex4: ex4),
      alsoNamed: alsoNamed)
  }

  init(
    _ name: String, _ expected: Mistake, _ description: String, ex5: MixedPrecisionCode, alsoNamed: Set<Mistake> = []
  ) {
    self.init(
      name: name, expected: expected, exercise: .ex5, description: description, code: .reference(ex5: ex5),
      alsoNamed: alsoNamed)
  }
}
