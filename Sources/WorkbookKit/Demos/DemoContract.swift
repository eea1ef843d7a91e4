import Charts
import Foundation
import Grading

/// What `workbook run exN` passes to a demo.
public struct DemoOptions: Equatable, Sendable {
  /// Seeds every random choice of the demo (data, weights, order).
  public var seed: UInt64 = 1
  /// Where to save the chart(s) as SVG; `nil` for none. A demo with several
  /// charts adds a suffix before the extension (`loss.svg`, `loss-norm.svg`).
  public var svgPath: String?
  /// Where to save the per-step data as CSV; `nil` for none.
  public var csvPath: String?
  /// Optimizer steps to train; `nil` for the demo's default.
  public var steps: Int?
  /// Learning rate; `nil` for the demo's default.
  public var learningRate: Double?
  /// Clipping threshold (maxNorm, or clipValue for ex2's value run); `nil` for the default.
  public var threshold: Double?
  /// Accumulation steps (ex3, ex4); `nil` for the default.
  public var accumulationSteps: Int?
  /// ex1: run several maxNorm values and print a table (the Challenge).
  public var sweep = false
  /// ex1: SGD momentum (the Challenge point that clipping caps the step only without momentum).
  public var momentum: Double?
  /// ex3: skip dividing the loss, to show what goes wrong.
  public var noScaling = false
  /// Exercise 5: the scaler's initial scale and growth interval, and the
  /// analysis of clipping before unscaling.
  public var initScale: Double?
  public var growthInterval: Int?
  public var clipBeforeUnscale = false
  /// ANSI colours in terminal charts.
  public var color = false
  /// Terminal width for charts and tables.
  public var width = 80
  /// Whose code the demo runs, so its text says "your trainStep" only when
  /// it is the student's.
  public var codeOwner = CodeOwner.student
  /// Whose `clipGradNorm` exercise 4's loop is handed: the student's own
  /// from exercise 1 when it compiles and is written, else the reference.
  public var clipperOwner = CodeOwner.student

  public enum CodeOwner: Equatable, Sendable {
    case student, reference

    /// "your" or "the reference's", before a function name.
    public var possessive: String { self == .student ? "your" : "the reference's" }
    /// "Your" or "The reference's", at the start of a sentence.
    public var capitalizedPossessive: String { self == .student ? "Your" : "The reference's" }
    /// "your code" or "reference", in labels.
    public var codeLabel: String { self == .student ? "your code" : "reference" }
  }

  public init() {}
}

/// Where a demo writes what the person watching should see, as it happens.
public protocol DemoOutput: AnyObject {
  /// A finished line (headings, tables, charts, summaries).
  func line(_ text: String)
  /// A progress line that the next progress or line replaces in a terminal.
  func progress(_ text: String)
}

/// The numbers a demo concludes with, for its summary and for the tests.
public struct DemoSummary: Equatable, Sendable {
  /// Name → value of every headline number, e.g. "maxGradientDifference".
  public var values: [String: Double] = [:]
  /// Name → fact, e.g. "unclippedDivergedAt" → "step 37" (or "no").
  public var facts: [String: String] = [:]
  /// Files written (SVG, CSV).
  public var files: [String] = []

  public init() {}
}
