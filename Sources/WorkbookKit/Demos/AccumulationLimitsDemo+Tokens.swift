import Autograd
import Charts
import Contract
import Datasets
import Harness
import Measures

extension AccumulationLimitsDemo {
  /// Part 1: the large batch, the mean of token means and the student's
  /// token-weighted accumulation, from the same start.
  mutating func tokenWeighting() throws {
    report.heading("1. Padded sequences: every token counts once")
    let problem = try TokenProblem(seed: options.seed, sequences: Self.strings, hidden: [32])
    let data = problem.data
    let windows = Self.windows(problem, size: Self.window, steps: steps)
    let ex6 = self.ex6, k = self.k, learningRate = self.learningRate
    func micro(_ indices: [Int]) throws -> [TokenBatch] {
      try data.microBatches(indices, parts: k, context: TokenProblem.context)
    }
    func large(_ indices: [Int]) throws -> TokenBatch { try data.batch(indices, context: TokenProblem.context) }

    // One step from the same start.
    let first = try micro(windows[0])
    func firstGradient(_ loop: (any Module, any Optimizer) throws -> Void) throws -> [[Double]] {
      let model = problem.makeModel()
      let optimizer = GradientRecordingSGD(model.parameters(), lr: learningRate)
      try loop(model, optimizer)
      guard let gradient = optimizer.lastGradient else {
        throw WorkbookError.invalidArgument(
          function: "trainWithTokenAccumulation", detail: "no optimizer step was taken for a window of \(k) micro-batches")
      }
      return gradient
    }
    let largeGradient = try firstGradient { _ = try Self.largeBatchStep($0, $1, large(windows[0])) }
    let meansGradient = try firstGradient { _ = try Self.meanOfMeansStep($0, $1, first) }
    let weightedGradient = try firstGradient {
      _ = try ex6.trainWithTokenAccumulation($0, $1, first, k, problem.lossFunction)
    }
    let tokens = first.map(\.tokenCount)
    let total = tokens.reduce(0, +)
    report.paragraph(
      "The first window's \(k) micro-batch(es) hold \(tokens.map(String.init).joined(separator: ", ")) real tokens, "
        + "\(total) in all; the rest of each padded micro-batch is padding, which the loss skips.")
    var table = Table(columns: [
      .init("one step, \(Self.window) strings"), .init("grad norm", alignment: .right),
      .init("gap to large", alignment: .right), .init("angle", alignment: .right),
    ])
    table.addRow(["one large batch (engine)", Format.number(Compare.norm(largeGradient), digits: 4), "–", "–"])
    let meansGap = Self.gap(meansGradient, largeGradient)
    let weightedGap = Self.gap(weightedGradient, largeGradient)
    for (name, gradient, gap) in [
      ("mean of token means (wrong)", meansGradient, meansGap),
      ("token-weighted, \(owner.codeLabel)", weightedGradient, weightedGap),
    ] {
      table.addRow([
        name, Format.number(Compare.norm(gradient), digits: 4), Format.tiny(gap),
        Format.fixed(angleDegrees(gradient, largeGradient), 2) + "°",
      ])
    }
    report.table(table)
    report.blank()
    let shortest = tokens.min() ?? 1, longest = tokens.max() ?? 1
    report.paragraph(
      "\"gap to large\" is ‖g − g_large‖ / ‖g_large‖. The mean of token means, what Transformers' Trainer "
        + "computed before October 2024, gives every micro-batch the same weight 1/\(k): a token of the micro-batch "
        + "of \(shortest) counts \(Format.number(Double(longest) / Double(shortest))) times as much as one of the "
        + "micro-batch of \(longest). "
        + (weightedGap < 1e-10
          ? "\(owner.capitalizedPossessive) trainWithTokenAccumulation weights every token by 1/\(total) and takes "
            + "the large batch's step up to rounding."
          : "\(owner.capitalizedPossessive) trainWithTokenAccumulation is \(Format.tiny(weightedGap)) away from the "
            + "large batch: count the window's real tokens before its first backward(), and divide every summed "
            + "loss by that count."))
    report.record("meanOfMeansGradientGap", meansGap)
    report.record("tokenGradientGap", weightedGap)

    // Training.
    let all = try large(Array(0..<data.count))
    let largeRun = try train("large batch", problem, windows: windows) { try Self.largeBatchStep($0, $1, large($2)) }
    let meansRun = try train("mean of means", problem, windows: windows) {
      try Self.meanOfMeansStep($0, $1, micro($2))
    }
    let weightedRun = try train("token-weighted", problem, windows: windows) {
      try ex6.trainWithTokenAccumulation($0, $1, micro($2), k, problem.lossFunction).last ?? .nan
    }
    let runs = [
      ("one large batch (engine)", largeRun), ("mean of token means (wrong)", meansRun),
      ("token-weighted (\(owner.codeLabel))", weightedRun),
    ]
    let chart = LineChart(
      title: "Training loss per token, as each loop reports it: mean of \(AddingProblemSetup.lossWindow) steps",
      xLabel: "optimizer step", yLabel: "loss",
      series: runs.enumerated().map { index, run in
        .init(run.0, padded(smoothed(run.1.losses, window: AddingProblemSetup.lossWindow), to: steps), style: index)
      },
      xStart: 1)
    report.chart(chart, height: 12)
    var results = Table(columns: [
      .init("after \(steps) steps"), .init("loss, all strings", alignment: .right),
      .init("max |Δ params| to large", alignment: .right),
    ])
    var finalLosses: [Double] = []
    for (name, run) in runs {
      let loss = try Self.evaluate(run.model, on: all)
      finalLosses.append(loss)
      let difference = Compare.largestDifference(Compare.parameters(of: run.model), Compare.parameters(of: largeRun.model))
      results.addRow([name, Format.number(loss, digits: 4), name == runs[0].0 ? "–" : Format.tiny(difference)])
    }
    report.table(results)
    report.blank()
    let weightedDifference = Compare.largestDifference(
      Compare.parameters(of: weightedRun.model), Compare.parameters(of: largeRun.model))
    report.paragraph(
      "\"loss, all strings\": the mean loss per real token over all \(data.count) strings at the end. The mean of "
        + "means reports a loss of its own as it trains (the mean of the micro-batch means, not the loss per token) "
        + "and follows a path of its own; the token-weighted loop is the large batch's run"
        + (weightedDifference < 1e-8 ? ", its curve drawn on top of it." : " only if its parameters agree, and "
          + "they differ by up to \(Format.tiny(weightedDifference))."))
    report.record("tokenFinalParameterDifference", weightedDifference)
    report.recordChoice(
      "the mean of token means ended", finalLosses[1] > finalLosses[0] ? "above the large batch's loss" : "at or below it")
    for (key, (name, run), loss) in zip3(["largeBatch", "meanOfMeans", "token"], runs, finalLosses) {
      report.record("\(key)FinalLoss", loss)
      var measures: [(String, Double)] = [("loss, all strings", loss)]
      if key == "meanOfMeans" { measures.append(("gradient gap, step 1", meansGap)) }
      if key == "token" { measures += [("gradient gap, step 1", weightedGap), ("max |Δ params|, end", weightedDifference)] }
      report.recordRun(name, diverged: Divergence.step(run.losses) != nil, measures)
    }
    charts.append(("tokens", chart.renderSVG()))
    columns += runs.map { ("loss \($0.0)", $0.1.losses) }
  }
}

/// Three sequences side by side.
func zip3<A, B, C>(_ a: [A], _ b: [B], _ c: [C]) -> [(A, B, C)] {
  zip(zip(a, b), c).map { ($0.0, $0.1, $1) }
}
