import Foundation
import Judge

import Testing

// The graders, as a student runs them: `swift test --filter Exercise3`.
// Each check runs in a child process of the exercise's runner, so a crash
// or an endless loop in one exercise is reported as that check's failure
// and the others are still graded. A failure is placed on the student's
// function in Exercises/, where an editor shows it.
//
// The suites are serialized: Swift Testing then runs them, and each one's
// checks, in the order they are written here (exercise 1's first check
// first), so the first failure reported is the one to fix first.

extension Tag {
  @Tag static var exercise1: Self
  @Tag static var exercise2: Self
  @Tag static var exercise3: Self
  @Tag static var exercise4: Self
  @Tag static var exercise5: Self
  @Tag static var exercise6: Self
  @Tag static var exercise7: Self
}

@Suite("The exercises, in order", .serialized)
struct ExerciseGrades {
  @Suite("Exercise 1: Gradient clipping by norm", .tags(.exercise1))
  struct Exercise1Grades {
    @Test("Exercise 1 check", arguments: GradedCheck.all(.ex1))
    func check(_ check: GradedCheck) { expectPasses(check) }
  }

  @Suite("Exercise 2: Gradient clipping by value", .tags(.exercise2))
  struct Exercise2Grades {
    @Test("Exercise 2 check", arguments: GradedCheck.all(.ex2))
    func check(_ check: GradedCheck) { expectPasses(check) }
  }

  @Suite("Exercise 3: Gradient accumulation with loss scaling", .tags(.exercise3))
  struct Exercise3Grades {
    @Test("Exercise 3 check", arguments: GradedCheck.all(.ex3))
    func check(_ check: GradedCheck) { expectPasses(check) }
  }

  @Suite("Exercise 4: Accumulation plus clipping", .tags(.exercise4))
  struct Exercise4Grades {
    @Test("Exercise 4 check", arguments: GradedCheck.all(.ex4))
    func check(_ check: GradedCheck) { expectPasses(check) }
  }

  @Suite("Exercise 5: Mixed precision (optional capstone)", .tags(.exercise5))
  struct Exercise5Grades {
    @Test("Exercise 5 check", arguments: GradedCheck.all(.ex5))
    func check(_ check: GradedCheck) { expectPasses(check) }
  }

  @Suite("Exercise 6: Where accumulation breaks (optional lab)", .tags(.exercise6))
  struct Exercise6Grades {
    @Test("Exercise 6 check", arguments: GradedCheck.all(.ex6))
    func check(_ check: GradedCheck) { expectPasses(check) }
  }

  @Suite("Exercise 7: Gradient health (optional lab)", .tags(.exercise7))
  struct Exercise7Grades {
    @Test("Exercise 7 check", arguments: GradedCheck.all(.ex7))
    func check(_ check: GradedCheck) { expectPasses(check) }
  }
}
