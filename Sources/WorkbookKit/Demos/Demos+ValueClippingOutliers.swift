import Autograd
import Charts
import Foundation
import Harness
import Measures

extension Demos {
  /// Exercise 2's Challenge, when would you prefer value clipping, as an
  /// experiment (`--outliers`): the three runs of `trainThreeWays` on the
  /// regression with gross outliers (`OutlierRegressionSetup`, the cause
  /// of exploding gradients the course's seed 004 names), where a batch
  /// that holds an outlier has a gradient many times the usual one.
  ///
  /// What each kind of clipping does to such a batch differs: norm
  /// clipping shrinks the whole gradient, every parameter's share alike;
  /// value clipping cuts only the entries beyond clipValue and leaves the
  /// rest, turning the step. The test MSE on clean held-out samples,
  /// every `testEvery` steps, shows which the model learns better from.
  ///
  /// Defaults: learning rate 0.2 (`learningRate`), 400 steps (`steps`),
  /// clipValue 0.1 (`threshold`), maxNorm 1. Files: the test-MSE chart at
  /// `svgPath`; CSV with each run's loss and the value run's angle per step.
  static func valueClippingOnOutliers(
    ex1: NormClippingCode, ex2: ValueClippingCode, options: DemoOptions, report: DemoReport
  ) throws {
    let steps = max(options.steps ?? 400, 1)
    let learningRate = options.learningRate ?? 0.2
    let clipValue = options.threshold ?? 0.1
    let maxNorm = 1.0
    let setup = try OutlierRegressionSetup(seed: options.seed)
    report.paragraph(
      "\(OutlierRegressionSetup.modelDescription) on linear regression with outliers: one sample in 50 has ±50 "
        + "added to its target, so a batch of \(OutlierRegressionSetup.batchSize) that holds one has a gradient many "
        + "times the usual. Plain SGD, learning rate \(Format.number(learningRate)), \(steps) steps, seed "
        + "\(options.seed). Three runs from the same weights on the same batches: without clipping, clipped by "
        + "value at \(Format.number(clipValue)) by \(options.codeOwner.possessive) trainStep, and clipped by norm at "
        + "\(Format.number(maxNorm)) by \(options.codeOwner.possessive) exercise-1 trainStep. " + Divergence.rule)

    var testLosses: [[Double]] = [[], [], []]
    let (runs, angles) = try trainThreeWays(
      ex1: ex1, ex2: ex2, makeModel: setup.makeModel, batches: setup.batches(steps: steps),
      lossFunction: setup.lossFunction, learningRate: learningRate, clipValue: clipValue, maxNorm: maxNorm,
      report: report, testLoss: setup.testLoss,
      afterStep: { run, model, i in
        if (i + 1) % testEvery == 0 { testLosses[run].append(try setup.testLoss(model)) }
      })
    let chart = LineChart(
      title: "Test MSE on clean held-out samples, every \(testEvery) steps", xLabel: "step", yLabel: "test MSE",
      series: runs.enumerated().map { i, run in
        .init(run.name, padded(testLosses[i], to: steps / testEvery), style: runStyles[i], note: Divergence.note(run.losses))
      },
      logScaleY: true, xStart: testEvery, xStride: testEvery, yMax: 1e4)
    report.chart(chart, height: 12)

    let meanAngle = mean(angles.filter(\.isFinite))
    report.table(threeWaysTable(runs, meanAngle: meanAngle))
    for (index, run) in runs.enumerated() {
      var measures = clippingMeasures(run, clipped: index > 0)
      if index == 1 { measures.append(("mean angle (°)", meanAngle)) }
      report.recordRun(run.name, diverged: run.divergedAt != nil, measures)
    }
    report.blank()
    let (byValue, byNorm) = (runs[1], runs[2])
    let better =
      byValue.testLoss < byNorm.testLoss ? "by value" : (byNorm.testLoss < byValue.testLoss ? "by norm" : "neither")
    report.recordChoice("lower test MSE", better)
    report.paragraph(
      "\"steps clipped\": steps on which clipping changed the gradient; \"mean angle\": how far value clipping "
        + "turned it on average; \"test MSE\": on clean held-out samples after the last step. On a batch with an "
        + "outlier, norm clipping shortens the whole gradient, so every weight moves a little less; value "
        + "clipping cuts only the entries beyond ±\(Format.number(clipValue)), so the others move in full and the "
        + "step turns.")
    report.record("outliersValueTestLoss", byValue.testLoss)
    report.record("outliersNormTestLoss", byNorm.testLoss)
    report.record("outliersMeanAngle", meanAngle)
    report.record("learningRate", learningRate)
    report.record("clipValue", clipValue)
    report.record("steps", Double(steps))
    try report.saveSVGs([("test", chart.renderSVG())])
    try report.saveCSV(runs.map { ("loss \($0.name)", $0.losses) } + [("angle by value (degrees)", angles)])
  }
}
