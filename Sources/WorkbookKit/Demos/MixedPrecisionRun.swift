import Autograd
import Contract
import Harness

/// One run of exercise 5's demo: the student's `trainWithMixedPrecision`
/// called one window at a time under `autocast(dtype)` (off for nil), with
/// what each window lost to 0 and, for each skipped window, where its
/// scaled gradients overflowed.
struct MixedPrecisionRun {
  /// What the loop is handed, the same for every run.
  struct Loop {
    var code: MixedPrecisionCode
    var clipper: GradNormClipper
    var setup: MixedPrecisionSetup
    var windows: Int
    var learningRate: Double
    var maxNorm: Double
  }

  var name: String
  var dtype: DType?
  var losses: [Double] = []
  /// Per window, the share of its gradient entries `dtype` turned into 0.
  var underflow: [Double] = []
  var scales: [Double] = []
  /// Skipped windows, 1-based.
  var skipped: [Int] = []
  /// Where each skipped window's scaled gradients overflowed.
  var overflows: [String] = []
  var testLoss = Double.nan

  /// Trains a fresh model with `loop`, from `initial`, reporting progress.
  static func train(
    _ name: String, _ dtype: DType?, lossScale initial: LossScale, loop: Loop, progress: (String) -> Void
  ) throws -> MixedPrecisionRun {
    var run = MixedPrecisionRun(name: name, dtype: dtype)
    let setup = loop.setup
    let model = setup.makeModel()
    let optimizer = AdamW(model.parameters(), lr: loop.learningRate)
    let scheduler = LinearWarmup(optimizer, warmupSteps: setup.warmupSteps)
    var lossScale = initial
    let ticker = ProgressTicker(total: loop.windows)
    for w in 0..<loop.windows {
      let batches = setup.window(w)
      // What the window's gradient contributions would lose: measured in
      // Double, at the scale this window uses.
      run.underflow.append(
        try dtype.map { try setup.underflowShare(model, batches, scale: lossScale.scale, dtype: $0) } ?? 0)
      let records = try autocast(dtype ?? .float32, enabled: dtype != nil) {
        try loop.code.trainWithMixedPrecision(
          model, optimizer, scheduler, batches, setup.microBatches, setup.lossFunction, loop.maxNorm, &lossScale,
          loop.clipper)
      }
      guard let record = records.first, records.count == 1 else {
        throw CommandFailure(
          "one window of \(setup.microBatches) micro-batches gave \(records.count) records, expected 1")
      }
      run.losses.append(record.loss)
      run.scales.append(record.scale)
      if !record.stepped {
        run.skipped.append(w + 1)
        // A skipped window left the weights as they were: look again.
        if dtype == .float16 { run.overflows.append(try setup.overflowSource(model, batches, scale: record.scale)) }
      }
      if ticker.shouldReport(w + 1) {
        progress(
          "\(name): window \(w + 1)/\(loop.windows), loss \(Format.number(record.loss)), "
            + "scale \(Format.number(record.scale))")
      }
    }
    run.testLoss = try setup.testLoss(model)
    return run
  }

  /// The mean share of entries lost to 0 over the last quarter of windows.
  var lateUnderflow: Double {
    let quarter = max(underflow.count / 4, 1)
    return underflow.suffix(quarter).reduce(0, +) / Double(min(quarter, max(underflow.count, 1)))
  }

  /// How many skips overflowed in the backward pass, and in the forward.
  var overflowPasses: (backward: Int, forward: Int) {
    (overflows.filter { $0.hasPrefix("backward") }.count, overflows.filter { $0.hasPrefix("forward") }.count)
  }
}
