import Autograd
import Contract
import Charts
import Datasets
import Foundation
import Harness
import Measures

extension Demos {
  /// Exercise 2: no clipping, clipping by value and clipping by norm on the
  /// same run (exercise 1's RNN on the adding problem: same weights, same
  /// batches, same learning rate), then one 2-D vector clipped both ways.
  ///
  /// The value run calls the student's `trainStep` (with `clipGradValue`);
  /// before each of its steps the engine also computes the raw gradient,
  /// so the demo can show the angle between the raw gradient and the one
  /// the student's code stepped with. The unclipped and norm-clipped runs
  /// use the engine directly. The 2-D part calls the student's
  /// `compareClipping` on [3, 4].
  ///
  /// Defaults: exercise 1's setup (hidden 64, T = 10, plain SGD, learning
  /// rate 0.05 (`learningRate`), batch 32, 500 steps (`steps`)), clipValue 1
  /// (`threshold`) for the value run and the vector, maxNorm 1 for the norm
  /// run and the vector. A debug build runs it in about two seconds.
  ///
  /// Files: the loss chart at `svgPath`, the angle chart with suffix
  /// `-angle`, the three arrows of the 2-D vector with suffix `-vectors`;
  /// CSV with each run's loss and the value run's angle per step.
  /// Style slots of exercise 2's runs (none, by value, by norm), the same
  /// in every chart.
  static let runStyles = [3, 2, 0]

  static func valueClipping(code: WorkbookCode, options: DemoOptions, output: DemoOutput) throws -> DemoSummary {
    let ex2 = try code.required(\.ex2, .ex2)
    let ex1 = try code.required(\.ex1, .ex1)
    let report = DemoReport(options: options, output: output)
    let start = Date()
    let steps = max(options.steps ?? 500, 1)
    let learningRate = options.learningRate ?? 0.05
    let clipValue = options.threshold ?? 1
    let maxNorm = 1.0

    report.title("Exercise 2 · Gradient clipping by value")
    if options.outliers {
      try valueClippingOnOutliers(ex1: ex1, ex2: ex2, options: options, report: report)
      report.record("seconds", elapsed(since: start))
      report.blank()
      report.line("Finished in \(Format.seconds(elapsed(since: start))).")
      return report.summary
    }
    let setup = try AddingProblemSetup(seed: options.seed)
    let batches = setup.batches(steps: steps)
    report.paragraph(
      "Exercise 1's setup: \(setup.description), plain SGD, learning rate \(Format.number(learningRate)), "
        + "batch \(setup.batchSize), \(steps) steps, seed \(options.seed). Three runs from the same weights on "
        + "the same batches: without clipping, clipped by value at \(Format.number(clipValue)) by \(options.codeOwner.possessive) "
        + "trainStep, and clipped by norm at \(Format.number(maxNorm)) by the engine. " + Divergence.rule)

    let (runs, angles) = try trainThreeWays(
      ex1: ex1, ex2: ex2, makeModel: setup.makeModel, batches: batches, lossFunction: setup.lossFunction,
      learningRate: learningRate, clipValue: clipValue, maxNorm: maxNorm, report: report,
      testLoss: { try Baseline.evaluate(model: $0, on: setup.test, lossFunction: setup.lossFunction) })
    let byNorm = runs[2]
    let lossChart = AddingProblemSetup.lossChart(runs, styles: runStyles, steps: steps)
    let angleChart = valueAngleChart(angles, byNorm: byNorm, steps: steps, owner: options.codeOwner)
    report.chart(lossChart, height: 14)
    report.chart(angleChart, height: 8)

    let finiteAngles = angles.filter(\.isFinite)
    let meanAngle = finiteAngles.reduce(0, +) / Double(max(finiteAngles.count, 1))
    var table = threeWaysTable(runs, meanAngle: meanAngle)
    table.addRow(["always predicting 1", "", "", "", Format.number(AddingProblemSetup.baseline)])
    report.table(table)
    report.blank()
    report.paragraph(
      "\"steps clipped\": steps on which clipping changed the gradient (by value: some entry was beyond "
        + "±\(Format.number(clipValue)); by norm: its length was above \(Format.number(maxNorm))). "
        + "\"mean angle\": how far, on average, clipping turned the gradient away from its own direction.")

    let comparison = try compareTwoDimensional(ex2, maxNorm: maxNorm, clipValue: clipValue, options: options, report: report)

    report.record("learningRate", learningRate)
    report.record("steps", Double(steps))
    recordThreeWays(runs, meanAngle: meanAngle, comparison: comparison, maxNorm: maxNorm, clipValue: clipValue, report: report)

    try report.saveSVGs([
      ("loss", lossChart.renderSVG()), ("angle", angleChart.renderSVG()),
      ("vectors", ClipVectorsSVG(comparison: comparison, maxNorm: maxNorm, clipValue: clipValue).render()),
    ])
    try report.saveCSV(
      runs.map { ("loss \($0.name)", $0.losses) } + [("angle by value (degrees)", angles)])

    report.record("seconds", elapsed(since: start))
    report.blank()
    report.line("Finished in \(Format.seconds(elapsed(since: start))).")
    return report.summary
  }

  /// The numbers `--seeds` and the tests read: each run's, the value
  /// run's mean angle, and the 2-D vector's.
  private static func recordThreeWays(
    _ runs: [ClippingRun], meanAngle: Double, comparison: ClipComparison, maxNorm: Double, clipValue: Double,
    report: DemoReport
  ) {
    let (byValue, byNorm) = (runs[1], runs[2])
    report.record("clipValue", clipValue)
    report.record("maxNorm", maxNorm)
    report.record("baseline", AddingProblemSetup.baseline)
    for (index, (key, run)) in zip(["unclipped", "valueClipped", "normClipped"], runs).enumerated() {
      report.record("\(key)TestLoss", run.testLoss)
      report.record("\(key)DivergedAt", fact: run.divergedAt.map { "step \($0)" } ?? "no")
      var measures = clippingMeasures(run, clipped: index > 0)
      if index == 1 { measures.append(("mean angle (°)", meanAngle)) }
      report.recordRun(run.name, diverged: run.divergedAt != nil, measures)
    }
    report.record("valueClippedSteps", Double(byValue.clippedSteps))
    report.record("normClippedSteps", Double(byNorm.clippedSteps))
    report.record("meanAngleByValueDegrees", meanAngle)
    report.record("angleByNormDegrees", comparison.angleByNormDegrees)
    report.record("angleByValueDegrees", comparison.angleByValueDegrees)
    report.record("lengthByNorm", length(comparison.byNorm))
    report.record("lengthByValue", length(comparison.byValue))
  }

  /// The angle between the raw gradient and the one the value run stepped
  /// with, step by step, beside the norm run's 0°.
  private static func valueAngleChart(_ angles: [Double], byNorm: ClippingRun, steps: Int, owner: DemoOptions.CodeOwner) -> LineChart {
    // Value clipping usually bites in the first steps only: the angle chart
    // stops a little after the last step it turned the gradient by 0.01° or
    // more, so those steps are not squeezed into a few columns.
    let lastTurn = angles.lastIndex { $0 > 0.01 }.map { $0 + 1 } ?? steps
    let shown = min(steps, max(20, Int((Double(lastTurn) * 1.25 / 10).rounded(.up)) * 10))
    return LineChart(
      title: "Angle between the raw and the clipped gradient" + (shown < steps ? ", steps 1–\(shown)" : ""),
      xLabel: "step", yLabel: "degrees",
      series: [
        .init("by norm (always 0°)", byNorm.losses.prefix(shown).map { $0.isFinite ? 0 : .nan }, style: runStyles[2]),
        .init(
          "by value (\(owner.possessive) trainStep)", padded(Array(angles.prefix(shown)), to: shown),
          style: runStyles[1]),
      ],
      xStart: 1)
  }

  /// The Challenge: one 2-D vector, [3, 4], clipped both ways by the
  /// student's `compareClipping`, as a table and a sentence.
  private static func compareTwoDimensional(
    _ ex2: ValueClippingCode, maxNorm: Double, clipValue: Double, options: DemoOptions, report: DemoReport
  ) throws -> ClipComparison {
    let vector = [3.0, 4.0]
    let comparison = try ex2.compareClipping(vector, maxNorm, clipValue)
    report.heading("One 2-D gradient, clipped both ways (\(options.codeOwner.possessive) compareClipping)")
    var vectors = Table(columns: [
      .init("vector"), .init("x", alignment: .right), .init("y", alignment: .right),
      .init("length", alignment: .right), .init("angle to original", alignment: .right),
    ])
    let rows: [(String, [Double], Double)] = [
      ("original", comparison.original, 0),
      ("by norm, maxNorm \(Format.number(maxNorm))", comparison.byNorm, comparison.angleByNormDegrees),
      ("by value, clipValue \(Format.number(clipValue))", comparison.byValue, comparison.angleByValueDegrees),
    ]
    for (name, v, angle) in rows {
      vectors.addRow([
        name, Format.fixed(v.first ?? .nan), Format.fixed(v.dropFirst().first ?? .nan),
        Format.fixed(length(v)), Format.fixed(angle, 2) + "°",
      ])
    }
    report.table(vectors)
    report.blank()
    report.paragraph(
      "Norm clipping shrinks the vector to length \(Format.fixed(length(comparison.byNorm))) and keeps its "
        + "direction. Value clipping cuts each entry on its own: \(Format.vector(comparison.original, 0)) becomes "
        + "\(Format.vector(comparison.byValue)), turned by \(Format.fixed(comparison.angleByValueDegrees, 2))°, "
        + "of length \(Format.fixed(length(comparison.byValue))): no threshold sets that length, it is bounded only "
        + "by √2 × clipValue here, and by √n × clipValue in a model with n parameters.")
    return comparison
  }

  /// The table of `trainThreeWays`' runs: which diverged, how often
  /// clipping changed the gradient, the value run's mean angle, test MSE.
  static func threeWaysTable(_ runs: [ClippingRun], meanAngle: Double) -> Table {
    var table = Table(columns: [
      .init("run"), .init("diverged", alignment: .right), .init("steps clipped", alignment: .right),
      .init("mean angle", alignment: .right), .init("test MSE", alignment: .right),
    ])
    for (index, run) in runs.enumerated() {
      table.addRow([
        run.name, Divergence.cell(run.losses),
        index == 0 ? "–" : "\(run.clippedSteps) (\(Format.percent(run.clippedSteps, of: run.losses.count)))",
        index == 1 ? Format.fixed(meanAngle, 1) + "°" : (index == 2 ? "0°" : "–"),
        run.testLoss.isNaN ? "–" : Format.number(run.testLoss),
      ])
    }
    return table
  }

  /// Exercise 2's three runs from the same weights on the same batches:
  /// without clipping (the engine), by value (the student's `trainStep`,
  /// with the raw gradient computed first so the angle between it and the
  /// gradient the student's code stepped with is measured), and by norm
  /// (the student's exercise-1 `trainStep`).
  ///
  /// - Parameter afterStep: called after each step of each run with the
  ///   run's index (0, 1, 2), the model and the step's index.
  /// - Returns: the runs in that order, and the value run's angle per step.
  static func trainThreeWays(
    ex1: NormClippingCode, ex2: ValueClippingCode, makeModel: () -> any Module, batches: [Batch],
    lossFunction: @escaping LossFunction, learningRate: Double, clipValue: Double, maxNorm: Double,
    report: DemoReport, testLoss: (any Module) throws -> Double,
    afterStep: (Int, any Module, Int) throws -> Void = { _, _, _ in }
  ) throws -> (runs: [ClippingRun], angles: [Double]) {
    func train(
      _ index: Int, _ name: String, threshold: Double?, optimizer: ([Tensor]) -> any Optimizer,
      step: (any Module, any Optimizer, Batch) throws -> StepRecord
    ) throws -> ClippingRun {
      let model = makeModel()
      return try ClippingRun.train(
        name, model: model, batches: batches, optimizer: optimizer(model.parameters()), threshold: threshold,
        report: report, afterStep: { try afterStep(index, $0, $1) }, step: step, testLoss: testLoss)
    }
    let unclipped = try train(0, "no clipping", threshold: nil, optimizer: { SGD($0, lr: learningRate) }) {
      try Baseline.step(model: $0, optimizer: $1, batch: $2, lossFunction: lossFunction)
    }
    // The value run: the raw gradient from the engine, then the student's
    // step, whose clipped gradient the recording optimizer keeps.
    var angles: [Double] = []
    var valueClippedSteps = 0
    var byValue = try train(
      1, "by value, clipValue \(Format.number(clipValue))", threshold: nil,
      optimizer: { GradientRecordingSGD($0, lr: learningRate) }
    ) { model, optimizer, batch in
      let raw = try Baseline.gradient(model: model, batch: batch, lossFunction: lossFunction)
      let loss = try ex2.trainStep(model, optimizer, batch, lossFunction, clipValue)
      let applied = (optimizer as? GradientRecordingSGD)?.lastGradient ?? raw
      angles.append(angleDegrees(raw, applied))
      if raw.contains(where: { $0.contains { abs($0) > clipValue } }) { valueClippedSteps += 1 }
      return StepRecord(loss: loss, gradNorm: Compare.norm(raw))
    }
    byValue.clippedSteps = valueClippedSteps
    let byNorm = try train(
      2, "by norm, maxNorm \(Format.number(maxNorm))", threshold: maxNorm, optimizer: { SGD($0, lr: learningRate) }
    ) { try ex1.trainStep($0, $1, $2, lossFunction, maxNorm) }
    return ([unclipped, byValue, byNorm], angles)
  }
}
