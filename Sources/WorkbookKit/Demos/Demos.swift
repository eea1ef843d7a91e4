import Autograd
import Contract
import Datasets
import Harness

/// The classroom demos behind `workbook run exN`: each trains a small model
/// with an exercise's functions so a student sees their own code at work,
/// next to a baseline computed by the engine directly.
///
/// Every demo is seeded by `options.seed` alone, finishes its defaults in a
/// few seconds in a debug build, reports progress while it trains, and ends
/// with terminal charts, a summary table and a `DemoSummary` of its
/// headline numbers. See each demo's documentation for its defaults:
/// `normClipping`, `valueClipping`, `accumulation`, `accumulationClipping`,
/// `mixedPrecision`, `accumulationLimits`.
public enum Demos {
  /// Runs the demo of `exercise` with `code` (the student's or the reference implementation).
  ///
  /// - Throws: what the exercise code throws (e.g.
  ///   `WorkbookError.notImplemented` for a stub), and a `CommandFailure`
  ///   when the SVG or CSV cannot be written, before any training when
  ///   that can be known (see `checkOutputPaths`).
  public static func run(_ exercise: Exercise, code: WorkbookCode, options: DemoOptions, output: DemoOutput) throws
    -> DemoSummary
  {
    try checkOutputPaths(options)
    switch exercise {
    case .ex1: return try normClipping(code: code, options: options, output: output)
    case .ex2: return try valueClipping(code: code, options: options, output: output)
    case .ex3: return try accumulation(code: code, options: options, output: output)
    case .ex4: return try accumulationClipping(code: code, options: options, output: output)
    case .ex5: return try mixedPrecision(code: code, options: options, output: output)
    case .ex6: return try accumulationLimits(code: code, options: options, output: output)
    case .ex7: return try gradientHealth(code: code, options: options, output: output)
    }
  }

  /// False when the exercise's main function throws WorkbookError.notImplemented on a tiny probe (a stub not filled in).
  ///
  /// The probe calls every exercise function the demo uses, on a 2→1
  /// linear model and two samples. Any other error counts as implemented:
  /// the code is there, and the demo will show what it does.
  public static func isImplemented(_ exercise: Exercise, in code: WorkbookCode) -> Bool {
    do {
      try probe(exercise, code)
      return true
    } catch let error as WorkbookError {
      if case .notImplemented = error { return false }
      return true
    } catch {
      return true
    }
  }

  private static func probe(_ exercise: Exercise, _ code: WorkbookCode) throws {
    var rng = SplitMix64(seed: 0)
    let model = Linear(2, 1, rng: &rng)
    let optimizer = SGD(model.parameters(), lr: 0.01)
    let batch = try Batch(inputs: Tensor(rows: [[1, 2], [3, 4]]), targets: Tensor(rows: [[1], [0]]))
    let loss: LossFunction = { try mse($0, $1) }
    switch exercise {
    case .ex1:
      _ = try code.required(\.ex1, .ex1).trainStep(model, optimizer, batch, loss, 1)
    case .ex2:
      let ex2 = try code.required(\.ex2, .ex2)
      _ = try ex2.trainStep(model, optimizer, batch, loss, 1)
      _ = try ex2.compareClipping([3, 4], 1, 1)
      _ = try code.required(\.ex1, .ex1).trainStep(model, optimizer, batch, loss, 1)
    case .ex3:
      _ = try code.required(\.ex3, .ex3).trainWithAccumulation(model, optimizer, try batch.split(into: 2), 2, loss)
    case .ex4:
      let ex4 = try code.required(\.ex4, .ex4)
      _ = try ex4.trainWithAccumulationAndClipping(model, optimizer, try batch.split(into: 2), 2, loss, 1, try code.normClipper())
      _ = try code.normClipper()(model.parameters(), maxNorm: 1)
    case .ex5:
      let ex5 = try code.required(\.ex5, .ex5)
      var scale = LossScale()
      _ = try ex5.trainWithMixedPrecision(
        model, AdamW(model.parameters()), LinearWarmup(optimizer, warmupSteps: 1), try batch.split(into: 2), 2, loss, 1,
        &scale, try code.normClipper())
      _ = try code.normClipper()(model.parameters(), maxNorm: 1)
    case .ex6: try probeAccumulationLimits(try code.required(\.ex6, .ex6))
    case .ex7: try probeGradientHealth(code, model: model, optimizer: optimizer, batch: batch, loss: loss)
    }
  }
}

extension WorkbookCode {
  /// Exercise 1's clipGradNorm, as the demos of exercises 2, 4 and 5 clip
  /// by norm with it: the student's own in their runners, the reference's
  /// in the full workbook.
  func normClipper() throws -> GradNormClipper {
    let ex1 = try required(\.ex1, .ex1)
    return GradNormClipper { try ex1.clipGradNorm($0, $1, $2, $3) }
  }

  /// The code of `exercise`, which this program must hold.
  func required<Code>(_ part: KeyPath<WorkbookCode, Code?>, _ exercise: Exercise) throws -> Code {
    guard let code = self[keyPath: part] else {
      throw CommandFailure("internal error: this program holds no code for \(exercise.name)")
    }
    return code
  }
}
