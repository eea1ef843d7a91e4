import Autograd
import Charts
import Foundation
import Harness

/// What `workbook run exN` passes to a demo.
public struct DemoOptions: Equatable, Sendable {
  /// Seeds every random choice of the demo (data, weights, order).
  public var seed: UInt64 = 1
  /// Several seeds: the demo runs once per seed, quietly, and
  /// `Demos.runSeeds` prints the mean and range of its numbers; `nil` for
  /// one run at `seed`.
  public var seeds: [UInt64]?
  /// ex1: the adding problem's sequence length T; `nil` for 10.
  public var length: Int?
  /// ex1: the RNN's hidden size; `nil` for 64.
  public var hidden: Int?
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
  /// ex1: train with and without clipping at each of these learning
  /// rates and tabulate which diverged (`--lrs`); `nil` for one rate.
  public var learningRates: [Double]?
  /// ex2: the outlier regression instead of the RNN, where the trade-off
  /// between value and norm clipping shows (`--outliers`).
  public var outliers = false
  /// ex4: add the loop that clips each micro-batch's contribution on its
  /// own and then adds them, whose total can reach k × maxNorm
  /// (`--clip-contributions`).
  public var clipContributions = false
  /// ex1: SGD momentum (the Challenge point that clipping caps the step only without momentum).
  public var momentum: Double?
  /// ex3: skip dividing the loss, to show what goes wrong.
  public var noScaling = false
  /// Exercise 5: the scaler's initial scale and growth interval, and the
  /// analysis of clipping before unscaling.
  public var initScale: Double?
  public var growthInterval: Int?
  public var clipBeforeUnscale = false
  /// Exercise 6: the Challenge's norm layer alone (`--norm batch|layer`).
  public var norm: Sequential.Norm?
  /// Exercise 7: AGC's clipping, the largest ‖grad‖ / ‖w‖ per unit.
  public var agcClipping: Double?
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
  /// Each run of the demo and its headline numbers, in the order shown:
  /// what `Demos.runSeeds` summarises over seeds.
  public var runs: [RunSummary] = []
  /// Name → the choice this seed's run made, e.g. "lowest test MSE" →
  /// "maxNorm 0.5"; `Demos.runSeeds` counts the choices over seeds.
  public var choices: [String: String] = [:]

  public init() {}
}

/// One run of a demo ("without clipping", "maxNorm 1") and its headline
/// numbers. `name` is the run's kind: the same for every seed.
public struct RunSummary: Equatable, Sendable {
  public struct Measure: Equatable, Sendable {
    /// "test MSE", "steps clipped".
    public var name: String
    /// NaN when this run has no such number (a diverged run's test MSE).
    public var value: Double

    public init(_ name: String, _ value: Double) {
      self.name = name
      self.value = value
    }
  }

  public var name: String
  /// Whether the run diverged by `Divergence.rule`.
  public var diverged: Bool
  public var measures: [Measure]

  public init(name: String, diverged: Bool, measures: [Measure]) {
    self.name = name
    self.diverged = diverged
    self.measures = measures
  }

  /// The value of the measure called `name`, if the run has one.
  public func value(_ name: String) -> Double? { measures.first { $0.name == name }?.value }
}

// MARK: - Option ranges

extension Demos {
  /// Exercise 3's large batch, split into `accumulationSteps` micro-batches.
  static let spiralBatch = 256
  /// The batch of the RNN demos (exercises 1, 2 and 4).
  static let rnnBatch = 32
  /// `length` (T): two halves of at least one step each hold the markers;
  /// beyond 1,000 steps one run takes minutes.
  public static let lengthRange = 2...1000
  /// `hidden`: beyond 512 one run takes minutes.
  public static let hiddenRange = 1...512

  /// The `accumulationSteps` a demo's batch can be split into: at least
  /// one sample per micro-batch.
  public static func accumulationStepsRange(_ exercise: Exercise) -> ClosedRange<Int> {
    switch exercise {
    case .ex3: return 1...spiralBatch
    case .ex4: return 1...rnnBatch
    case .ex5: return 1...MixedPrecisionSetup.microBatchSize
    case .ex6: return 1...AccumulationLimitsDemo.maxAccumulationSteps
    case .ex1, .ex2: return 1...Int.max
    case .ex7: return 1...Int.max
    }
  }

  /// Why `accumulationStepsRange` ends where it does, for the usage error.
  public static func accumulationStepsLimit(_ exercise: Exercise) -> String? {
    switch exercise {
    case .ex3: return "micro-batches of the batch of \(spiralBatch)"
    case .ex4: return "micro-batches of the batch of \(rnnBatch)"
    case .ex5: return "micro-batches a window, at most \(MixedPrecisionSetup.microBatchSize)"
    case .ex6: return "micro-batches of a window of \(AccumulationLimitsDemo.window) strings"
    case .ex1, .ex2: return nil
    case .ex7: return nil
    }
  }
}
