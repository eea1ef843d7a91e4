import Testing

// The graders' self-tests, grouped by what they prove.

extension Tag {
  /// A deliberately wrong implementation fails, with its mistake named.
  @Tag static var catalogue: Self
  /// A correct implementation, the reference or another, passes.
  @Tag static var correct: Self
  /// The shipped stubs are graded as not implemented.
  @Tag static var stubs: Self
  /// A crash or an endless loop is contained in a child process.
  @Tag static var isolation: Self
}
