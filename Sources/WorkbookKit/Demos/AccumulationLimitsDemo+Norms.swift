import Autograd
import Charts
import Contract
import Datasets
import Harness
import Measures

extension AccumulationLimitsDemo {
  /// The one length of part 3's strings: no padding, so BatchNorm's
  /// statistics hold real tokens only, in the micro-batches and in the
  /// large batch alike.
  static let normLength = 7

  /// Part 3, or the Challenge with one norm: the student's
  /// `trainWithTokenAccumulation` against the large batch, on an MLP with
  /// a norm layer after each hidden Linear layer.
  mutating func norms(_ kinds: [Sequential.Norm]) throws {
    let title = kinds.count == 1 ? "\(Self.name(kinds[0])) under accumulation" : "BatchNorm and LayerNorm under accumulation"
    report.heading((options.norm == nil ? "3. " : "") + title)
    report.paragraph(
      "An MLP \(TokenProblem.context * 7)→32→32→7 with a norm layer after each hidden Linear layer, on strings of "
        + "\(Self.normLength) tokens (no padding), \(Self.window) strings per optimizer step: one large batch, and "
        + "\(owner.possessive) trainWithTokenAccumulation with \(k) micro-batch(es) of "
        + "\(Format.number(Double(Self.window) / Double(k))) strings.")
    let ex6 = self.ex6, k = self.k
    var gaps: [[Double]] = []
    var names: [String] = []
    var series: [LineChart.Series] = []
    var results = Table(columns: [
      .init("after \(steps) steps"), .init("loss, eval()", alignment: .right),
      .init("max |Δ params| to large", alignment: .right),
    ])
    for (index, norm) in kinds.enumerated() {
      let problem = try TokenProblem(
        seed: options.seed &+ 2, sequences: Self.strings, lengths: Self.normLength...Self.normLength,
        hidden: [32, 32], norm: norm)
      let data = problem.data
      let windows = Self.windows(problem, size: Self.window, steps: steps)
      func micro(_ indices: [Int]) throws -> [TokenBatch] {
        try data.microBatches(indices, parts: k, context: TokenProblem.context)
      }
      func large(_ indices: [Int]) throws -> TokenBatch { try data.batch(indices, context: TokenProblem.context) }
      names = problem.makeModel().namedParameters().map(\.name)

      // One step from the same start, parameter by parameter.
      let largeModel = problem.makeModel(), accumulatedModel = problem.makeModel()
      let largeOptimizer = GradientRecordingSGD(largeModel.parameters(), lr: learningRate)
      let accumulatedOptimizer = GradientRecordingSGD(accumulatedModel.parameters(), lr: learningRate)
      _ = try Self.largeBatchStep(largeModel, largeOptimizer, large(windows[0]))
      _ = try ex6.trainWithTokenAccumulation(
        accumulatedModel, accumulatedOptimizer, micro(windows[0]), k, problem.lossFunction)
      guard let largeGradient = largeOptimizer.lastGradient, let gradient = accumulatedOptimizer.lastGradient else {
        throw WorkbookError.invalidArgument(
          function: "trainWithTokenAccumulation", detail: "no optimizer step was taken for a window of \(k) micro-batches")
      }
      // A bias right before BatchNorm has no gradient: the normalization
      // subtracts it again. Both gradients are then rounding, and their
      // ratio says nothing; NaN marks it.
      let scale = Compare.norm(largeGradient)
      let perParameter = zip(gradient, largeGradient).map { a, b in
        Compare.norm([b]) < 1e-9 * scale && Compare.norm([a]) < 1e-9 * scale ? Double.nan : Self.gap([a], [b])
      }
      gaps.append(perParameter)
      let gap = Self.gap(gradient, largeGradient)

      // Training.
      let label = Self.name(norm)
      let largeRun = try train("\(label), large batch", problem, windows: windows) {
        try Self.largeBatchStep($0, $1, large($2))
      }
      let accumulatedRun = try train("\(label), accumulated", problem, windows: windows) {
        try ex6.trainWithTokenAccumulation($0, $1, micro($2), k, problem.lossFunction).last ?? .nan
      }
      let all = try large(Array(0..<data.count))
      let largeLoss = try Self.evaluate(largeRun.model, on: all)
      let accumulatedLoss = try Self.evaluate(accumulatedRun.model, on: all)
      let difference = Compare.largestDifference(
        Compare.parameters(of: accumulatedRun.model), Compare.parameters(of: largeRun.model))
      results.addRow(["\(label), one large batch", Format.number(largeLoss, digits: 4), "–"])
      results.addRow(["\(label), accumulated", Format.number(accumulatedLoss, digits: 4), Format.tiny(difference)])
      series.append(.init("\(label), one large batch", padded(smoothed(largeRun.losses, window: 10), to: steps), style: 2 * index))
      series.append(
        .init(
          "\(label), accumulated (\(owner.codeLabel))", padded(smoothed(accumulatedRun.losses, window: 10), to: steps),
          style: 2 * index + 1))
      let key = norm == .batch ? "batchNorm" : "layerNorm"
      report.record("\(key)Gap", gap)
      report.record("\(key)LargestParameterGap", perParameter.filter { !$0.isNaN }.max() ?? 0)
      report.record("\(key)LargeBatchFinalLoss", largeLoss)
      report.record("\(key)AccumulatedFinalLoss", accumulatedLoss)
      report.record("\(key)FinalParameterDifference", difference)
      func lastTen(_ losses: [Double]) -> Double { losses.suffix(10).reduce(0, +) / Double(min(10, losses.count)) }
      report.recordRun(
        "\(label), one large batch", diverged: Divergence.step(largeRun.losses) != nil,
        [("loss in train(), last 10", lastTen(largeRun.losses)), ("loss, eval()", largeLoss)])
      let trainingLoss = lastTen(accumulatedRun.losses)
      report.record("\(key)AccumulatedTrainingLoss", trainingLoss)
      report.recordRun(
        "\(label), accumulated", diverged: Divergence.step(accumulatedRun.losses) != nil,
        [
          ("gradient gap, step 1", gap), ("loss in train(), last 10", trainingLoss), ("loss, eval()", accumulatedLoss),
          ("max |Δ params|, end", difference),
        ])
      if norm == .batch {
        report.recordChoice(
          "accumulated BatchNorm ended", accumulatedLoss > largeLoss ? "above the large batch's eval() loss" : "at or below it")
      }
      columns += [("loss \(label) large batch", largeRun.losses), ("loss \(label) accumulated", accumulatedRun.losses)]
    }
    var table = Table(columns: [.init("step 1, gap to large")] + kinds.map { .init(Self.name($0), alignment: .right) })
    for (row, name) in names.enumerated() {
      table.addRow([Self.describe(name)] + gaps.map { $0[row].isNaN ? "no gradient" : Format.tiny($0[row]) })
    }
    report.table(table)
    report.blank()
    report.paragraph(
      "Each row: ‖g − g_large‖ / ‖g_large‖ for one parameter's gradient at step 1. "
        + (kinds.contains(.batch)
          ? "BatchNorm normalizes every feature with the mean and variance of the rows in its forward pass: a "
            + "micro-batch's, not the large batch's. "
          : "")
        + "LayerNorm normalizes each row with its own statistics, which no split can change."
        + (gaps.contains { $0.contains(where: \.isNaN) }
          ? " \"no gradient\": a Linear layer's bias right before BatchNorm, which the normalization subtracts "
            + "again."
          : ""))
    let chart = LineChart(
      title: "Training loss per token, in train(): mean of 10 steps", xLabel: "optimizer step", yLabel: "loss",
      series: series, logScaleY: true, xStart: 1)
    report.chart(chart, height: 12)
    report.table(results)
    report.blank()
    report.paragraph(
      "\"loss, eval()\": the mean loss per token over all \(Self.strings) strings at the end, in evaluation mode"
        + (kinds.contains(.batch)
          ? " (BatchNorm with its running statistics, which accumulation fed \(k) micro-batches' worth per step); "
            + "the chart's losses are each step's in train(), with the statistics of the rows at hand."
          : "; LayerNorm keeps no running statistics, so eval() changes nothing."))
    charts.append(("norms", chart.renderSVG()))
  }

  static func name(_ norm: Sequential.Norm) -> String { norm == .batch ? "BatchNorm" : "LayerNorm" }

  /// "1.weight (norm γ)": a parameter of `Sequential.mlp` by its role.
  static func describe(_ name: String) -> String {
    let parts = name.split(separator: ".")
    guard parts.count == 2, let layer = Int(parts[0]) else { return name }
    // Linear, norm, activation, repeated; the last Linear stands alone.
    let role = layer % 3 == 0 ? "Linear \(parts[1])" : (parts[1] == "weight" ? "norm γ" : "norm β")
    return "\(name) (\(role))"
  }
}
