import Contract

/// One run of exercise 7's demo: the loss and the student's report of
/// every step taken.
struct HealthRun {
  var name: String
  var losses: [Double] = []
  var reports: [GradientReport] = []
  /// The test MSE every `Demos.testEvery` steps.
  var testLosses: [Double] = []
  var testLoss = Double.nan

  var divergedAt: Int? { Divergence.step(losses) }

  /// The first step (1-based) whose report names a non-finite gradient.
  var firstNonFiniteStep: Int? { reports.firstIndex { $0.firstNonFinite != nil }.map { $0 + 1 } }

  /// Steps whose gradient clipping shortened.
  var clippedSteps: Int { reports.filter { $0.globalNormAfter < $0.globalNormBefore }.count }

  /// The weights' names, input layer first.
  var layerNames: [String] {
    (reports.first?.parameters ?? []).map(\.name).filter { $0.hasSuffix("weight") }
  }

  /// One field of one parameter's health, step by step.
  func series(_ name: String, _ field: KeyPath<ParameterHealth, Double>) -> [Double] {
    reports.map { $0.parameters.first { $0.name == name }?[keyPath: field] ?? .nan }
  }

  /// The smallest and largest of the weights' median update-to-weight
  /// ratios over the steps before divergence.
  var ratioRange: (low: Double, high: Double)? {
    let kept = divergedAt.map { $0 - 1 } ?? reports.count
    let medians = layerNames.compactMap { name -> Double? in
      let values = series(name, \.updateRatio).prefix(kept).filter(\.isFinite).sorted()
      return values.isEmpty ? nil : values[values.count / 2]
    }
    guard let low = medians.min(), let high = medians.max() else { return nil }
    return (low, high)
  }

  /// The headline numbers for `--seeds`.
  var measures: [(String, Double)] {
    [
      ("diverged at step", divergedAt.map(Double.init) ?? .nan),
      ("NaN/inf grad at step", firstNonFiniteStep.map(Double.init) ?? .nan),
      ("test MSE", testLoss),
      ("% steps clipped", reports.isEmpty ? .nan : 100 * Double(clippedSteps) / Double(reports.count)),
      ("update/weight, lowest layer", ratioRange?.low ?? .nan),
      ("update/weight, highest layer", ratioRange?.high ?? .nan),
    ]
  }
}
