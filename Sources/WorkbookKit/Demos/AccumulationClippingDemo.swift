import Autograd
import Charts
import Contract
import Datasets
import Foundation
import Harness
import Measures

/// Exercise 4's demo, step by step (`Demos.accumulationClipping` says
/// what it shows): what every step shares, the four ways of taking a step,
/// and one method per part of the report.
struct AccumulationClippingDemo {
  typealias Step = (any Module, any Optimizer, Batch) throws -> StepRecord

  /// A training run, with per step the angle to the clipped large-batch
  /// step and the distance from the large-batch run's parameters.
  struct Measured {
    var run: ClippingRun
    var angles: [Double]
    var distances: [Double]
  }

  /// Every run, and the parameter differences from the large batch.
  struct Trained {
    var large: ClippingRun
    var once: Measured
    var each: Measured
    var contributions: Measured?
    var largeAfterOne: [[Double]]
    var onceAfterOne: Double
    var eachAfterOne: Double
    var onceAfterTraining: Double
    var eachAfterTraining: Double
  }

  let ex4: AccumulationClippingCode
  let ex1: NormClippingCode
  let clipper: GradNormClipper
  let report: DemoReport
  let options: DemoOptions
  let setup: AddingProblemSetup
  let batches: [Batch]
  let k: Int
  let microName: String
  let steps: Int
  let learningRate: Double
  let maxNorm: Double

  /// The toy: two micro-batch gradients on one 2-entry parameter.
  func toy() throws {
    let toy = try Demos.clipToy(clipper)
    var toyTable = Table(columns: [
      .init("[2, 0] + [0, 2], maxNorm 1"), .init("gradient", alignment: .right), .init("length", alignment: .right),
    ])
    toyTable.addRow(["no clipping", Format.vector([2, 2]), Format.fixed(length([2, 2]))])
    toyTable.addRow(["clip once, after both", Format.vector(toy.once), Format.fixed(length(toy.once))])
    toyTable.addRow(["clip after each (wrong)", Format.vector(toy.each), Format.fixed(length(toy.each))])
    report.table(toyTable)
    report.blank()
    report.paragraph(
      "Clipped once, the sum keeps its direction. Clipped after each micro-batch, the first gradient was cut "
        + "to length 1 before the second arrived, so the second counts twice as much and the step points "
        + "elsewhere.")
    report.record("toyOnce0", toy.once[0])
    report.record("toyOnce1", toy.once[1])
    report.record("toyEach0", toy.each[0])
    report.record("toyEach1", toy.each[1])
  }

  /// The RNN part's setting.
  func introduceRNN() {
    report.heading("On exercise 1's RNN")
    report.paragraph(
      "\(setup.description.prefix(1).uppercased())\(setup.description.dropFirst()), recurrent weights 1.5 × "
        + "orthogonal, plain SGD, learning rate \(Format.number(learningRate)), maxNorm \(Format.number(maxNorm)), "
        + "batches of \(setup.batchSize) as \(microName), \(steps) steps, seed \(options.seed). Three runs from "
        + "the same weights on the same batches: clip once (\(options.codeOwner.possessive) trainWithAccumulationAndClipping), clip each "
        + "micro-batch (the demo's loop, with \(options.clipperOwner.possessive) clipGradNorm), and the batch of \(setup.batchSize) clipped "
        + "(the engine). " + Divergence.rule)
  }

  /// The student's clip-once loop, one window per batch.
  var onceStep: Step {
    { [self] model, optimizer, batch in
      let records = try ex4.trainWithAccumulationAndClipping(
        model, optimizer, batch.split(into: k), k, setup.lossFunction, maxNorm, clipper)
      guard let record = records.last, records.count == 1 else {
        throw WorkbookError.invalidArgument(
          function: "trainWithAccumulationAndClipping",
          detail: "one window of \(k) micro-batches gave \(records.count) records, expected 1")
      }
      return record
    }
  }

  /// Clipping after each micro-batch (wrong), with the student's clipGradNorm.
  var eachStep: Step {
    { [self] model, optimizer, batch in
      try Demos.clipEachMicroBatch(
        ex4, model, optimizer, batch.split(into: k), setup.lossFunction, maxNorm, clip: clipper)
    }
  }

  /// Exercise 1's step on the whole batch: the clipped large batch.
  var largeStep: Step {
    { [self] model, optimizer, batch in try ex1.trainStep(model, optimizer, batch, setup.lossFunction, maxNorm) }
  }

  /// Each micro-batch's gradient clipped on its own, then added (wrong).
  var contributionStep: Step {
    { [self] model, optimizer, batch in
      try Demos.clipEachContribution(
        model, optimizer, batch.split(into: k), setup.lossFunction, maxNorm, clip: clipper)
    }
  }

  /// The parameters after one step of `step` on the first batch.
  func afterOneStep(_ step: Step) throws -> [[Double]] {
    let model = setup.makeModel()
    _ = try step(model, SGD(model.parameters(), lr: learningRate), batches[0])
    return Compare.parameters(of: model)
  }

  func recordingSGD(_ parameters: [Tensor]) -> any Optimizer { GradientRecordingSGD(parameters, lr: learningRate) }

  /// Trains the large batch first, keeping its parameters after every
  /// step, then the accumulating runs. Before each of their steps the
  /// engine also computes the clipped batch-of-32 gradient at the same
  /// weights, so the angle between that and the step taken is measured,
  /// and after it the distance from the large batch's run.
  func train() throws -> Trained {
    let largeAfterOne = try afterOneStep(largeStep)
    let onceAfterOne = Compare.largestDifference(try afterOneStep(onceStep), largeAfterOne)
    let eachAfterOne = Compare.largestDifference(try afterOneStep(eachStep), largeAfterOne)
    var largePath: [[Double]] = []
    let large = try setup.train(
      "batch of \(setup.batchSize), clipped", batches: batches, makeOptimizer: recordingSGD, threshold: maxNorm,
      report: report, afterStep: { model, _ in largePath.append(Compare.flatParameters(of: model)) },
      step: largeStep)
    let once = try trainMeasuring("clip once (\(options.codeOwner.codeLabel))", onceStep, from: largePath)
    let each = try trainMeasuring("clip each micro-batch (wrong)", eachStep, from: largePath)
    // `clipContributions`: the other way to clip inside the loop, each
    // micro-batch's gradient on its own, then added: up to k × maxNorm.
    let contributions = try options.clipContributions
      ? trainMeasuring("clip each, then add (wrong)", contributionStep, from: largePath) : nil
    return Trained(
      large: large, once: once, each: each, contributions: contributions, largeAfterOne: largeAfterOne,
      onceAfterOne: onceAfterOne, eachAfterOne: eachAfterOne,
      onceAfterTraining: Compare.largestDifference(once.run.finalParameters, large.finalParameters),
      eachAfterTraining: Compare.largestDifference(each.run.finalParameters, large.finalParameters))
  }

  func trainMeasuring(_ name: String, _ step: Step, from largePath: [[Double]]) throws -> Measured {
    var angles: [Double] = []
    var distances: [Double] = []
    let run = try setup.train(
      name, batches: batches, makeOptimizer: recordingSGD, threshold: maxNorm, report: report,
      afterStep: { model, i in
        let here = Compare.flatParameters(of: model)
        distances.append(i < largePath.count ? Compare.distance(here, largePath[i]) : .nan)
      },
      step: { model, optimizer, batch in
        let largeBatch = try Demos.clipped(
          try Baseline.gradient(model: model, batch: batch, lossFunction: setup.lossFunction), maxNorm, clipper)
        let record = try step(model, optimizer, batch)
        angles.append(angleDegrees(largeBatch, (optimizer as? GradientRecordingSGD)?.lastGradient ?? largeBatch))
        return record
      })
    return Measured(run: run, angles: angles, distances: distances)
  }

  /// The distance chart and the angle chart.
  func charts(_ t: Trained) -> (distance: LineChart, angle: LineChart) {
    // The lesson in one picture: clipping once stays on the large batch's
    // path (rounding only), clipping each micro-batch leaves it at t.once.run.
    // A linear axis: on a log one, the 1e-16 of rounding and the 0.1 of the
    // wrong way span 15 decades, a row of the terminal is more than one of
    // them, and a smooth rise reads as a jump from one row to the next.
    let sameRun = t.once.distances.allSatisfy { $0 == 0 }
    let onceLargest = t.once.distances.filter(\.isFinite).max() ?? .nan
    let onceNote =
      sameRun
      ? "0 at every step: the same run"
      : (onceLargest < 1e-9
        ? "at most \(Format.tiny(onceLargest)), rounding: drawn on 0" : Divergence.note(t.once.run.losses))
    let chart = LineChart(
      title: "Distance of the parameters from the batch-of-\(setup.batchSize) run", xLabel: "step",
      yLabel: "L2 distance",
      series: (t.contributions.map {
        [.init($0.run.name, padded($0.distances, to: steps), style: Demos.contributionStyle, note: Divergence.note($0.run.losses))]
      } ?? [])
        + [
          .init(
            t.each.run.name, padded(t.each.distances, to: steps), style: Demos.eachStyle, note: Divergence.note(t.each.run.losses)),
          .init(t.once.run.name, padded(t.once.distances, to: steps), style: Demos.onceStyle, note: onceNote),
        ],
      xStart: 1)
    let angleChart = LineChart(
      title: "Angle between the step taken and the batch-of-\(setup.batchSize) step", xLabel: "step",
      yLabel: "degrees",
      series: (t.contributions.map { [.init($0.run.name, padded($0.angles, to: steps), style: Demos.contributionStyle)] } ?? [])
        + [
          .init(t.each.run.name, padded(t.each.angles, to: steps), style: Demos.eachStyle),
          .init(t.once.run.name, padded(t.once.angles, to: steps), style: Demos.onceStyle),
        ], xStart: 1)
    return (chart, angleChart)
  }

  /// The table of the runs and what it shows.
  func findings(_ t: Trained) throws {
    let sameRun = t.once.distances.allSatisfy { $0 == 0 }
    var table = Table(columns: [
      .init("run"), .init("Δ 1 step", alignment: .right), .init("Δ \(steps) steps", alignment: .right),
      .init("angle", alignment: .right), .init("test MSE", alignment: .right),
    ])
    let meanOnce = mean(t.once.angles)
    let meanEach = mean(t.each.angles)
    table.addRow([t.large.name, "–", "–", "–", Format.number(t.large.testLoss)])
    table.addRow([
      t.once.run.name, Format.tiny(t.onceAfterOne), Format.tiny(t.onceAfterTraining), Format.fixed(meanOnce, 1) + "°",
      Format.number(t.once.run.testLoss),
    ])
    table.addRow([
      t.each.run.name, Format.tiny(t.eachAfterOne), Format.tiny(t.eachAfterTraining), Format.fixed(meanEach, 1) + "°",
      Format.number(t.each.run.testLoss),
    ])
    if let contributions = t.contributions {
      let run = contributions.run
      let afterTraining = Compare.largestDifference(run.finalParameters, t.large.finalParameters)
      // The step's length against maxNorm: the sum of k clipped pieces.
      let longest = run.norms.filter(\.isFinite).max() ?? .nan
      table.addRow([
        run.name, Format.tiny(Compare.largestDifference(try afterOneStep(contributionStep), t.largeAfterOne)),
        Format.tiny(afterTraining), Format.fixed(mean(contributions.angles), 1) + "°",
        Format.number(run.testLoss),
      ])
      report.recordRun(
        run.name, diverged: run.divergedAt != nil,
        [
          ("max |Δ params|, end", afterTraining), ("mean angle (°)", mean(contributions.angles)),
          ("longest clipped gradient", longest), ("test MSE", run.testLoss),
        ])
      report.record("contributionsLongestGradient", longest)
      report.record("contributionsTestLoss", run.testLoss)
      report.table(table)
      report.blank()
      report.paragraph(
        "Clipping each contribution on its own and adding them: every piece is at most maxNorm "
          + "\(Format.number(maxNorm)) long, so their sum can reach \(k) × \(Format.number(maxNorm)); the "
          + "longest gradient this run stepped with was \(Format.number(longest)) long, where clipping once never "
          + "exceeds \(Format.number(maxNorm)).")
    } else {
      report.table(table)
    }
    report.blank()
    report.paragraph(
      "Δ: the largest absolute difference of any parameter from the clipped batch-of-\(setup.batchSize) run. "
        + "Angle: the mean angle between each step and the clipped batch-of-\(setup.batchSize) gradient at the same "
        + "weights. "
        + "Clipping once is the large batch's step; clipping each micro-batch takes other steps from the "
        + "first one on (whether it ends better or worse, it is no longer the step of the batch, and its "
        + "effective threshold depends on k and on the order of the micro-batches). Test MSE on 1,024 held-out sequences; always predicting 1 scores "
        + "1/6 ≈ 0.167. The first chart follows the gap step by step: the L2 distance of all parameters "
        + "from the batch-of-\(setup.batchSize) run's after as many steps"
        + (sameRun ? "; clipping once has none to draw, it is 0 at every step." : "."))
    // The norms the clip-once records report: how hard clipping worked, and
    // (rerun with another --accumulation-steps) that they do not grow with k.
    let finiteNorms = t.once.run.norms.filter(\.isFinite).sorted()
    let medianNorm = finiteNorms.isEmpty ? Double.nan : finiteNorms[finiteNorms.count / 2]
    report.blank()
    report.paragraph(
      "Norm before clipping, from the records of \(options.codeOwner.possessive) trainWithAccumulationAndClipping: "
        + "median \(Format.number(medianNorm)), largest \(Format.number(finiteNorms.last ?? .nan)); above maxNorm "
        + "\(Format.number(maxNorm)) on \(t.once.run.clippedSteps) of \(steps) steps. With the loss weighted, this is the "
        + "norm of the window's mean gradient: "
        + "rerun with --accumulation-steps \(Demos.otherAccumulationSteps(k)) and it stays the same size.")
    report.recordRun(t.large.name, diverged: t.large.divergedAt != nil, [("test MSE", t.large.testLoss)])
    let accumulating = [(t.once.run, t.once.angles, t.onceAfterTraining), (t.each.run, t.each.angles, t.eachAfterTraining)]
    for (run, angles, afterTraining) in accumulating {
      report.recordRun(
        run.name, diverged: run.divergedAt != nil,
        [
          ("max |Δ params|, end", afterTraining), ("mean angle (°)", mean(angles)), ("test MSE", run.testLoss),
        ])
    }
    report.record("onceMedianNorm", medianNorm)
    report.record("onceClippedSteps", Double(t.once.run.clippedSteps))

    report.record("onceMeanAngleDegrees", meanOnce)
    report.record("eachMeanAngleDegrees", meanEach)
    report.record("onceDifferenceAfterOneStep", t.onceAfterOne)
    report.record("eachDifferenceAfterOneStep", t.eachAfterOne)
    report.record("onceDifferenceAfterTraining", t.onceAfterTraining)
    report.record("eachDifferenceAfterTraining", t.eachAfterTraining)
    report.record("largeBatchTestLoss", t.large.testLoss)
    report.record("onceTestLoss", t.once.run.testLoss)
    report.record("eachTestLoss", t.each.run.testLoss)
    report.record("maxNorm", maxNorm)
    report.record("accumulationSteps", Double(k))
    report.record("learningRate", learningRate)
    report.record("steps", Double(steps))
  }

  /// The chart and CSV files asked for.
  func saveFiles(_ t: Trained, _ charts: (distance: LineChart, angle: LineChart)) throws {
    try report.saveSVGs([("distance", charts.distance.renderSVG()), ("angle", charts.angle.renderSVG())])
    try report.saveCSV(
      [t.large, t.once.run, t.each.run].map { ("loss \($0.name)", $0.losses) }
        + [t.large, t.once.run, t.each.run].map { ("norm \($0.name)", $0.norms) }
        + [("angle \(t.once.run.name)", t.once.angles), ("angle \(t.each.run.name)", t.each.angles)]
        + [("distance \(t.once.run.name)", t.once.distances), ("distance \(t.each.run.name)", t.each.distances)])
  }
}
