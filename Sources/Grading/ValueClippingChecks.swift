import Autograd
import Datasets
import Foundation

/// Exercise 2's checks: clip_grad_value_, the step, and the 2-D comparison.
enum ValueClippingChecks {
  static func expectClamp(_ code: ValueClippingCode, _ gradients: GradientCase, clipValue: Double, situation: String) throws {
    let before = gradients.present
    let expected = Oracle.clipByValue(before, clipValue)
    try code.clipGradValue(gradients.parameters, clipValue)
    let after = try gradients.currentPresent("clipGradValue")
    guard relativeDistance(after, expected) > 0 else { return }
    let signatures: [(Mistake?, String, Values)] = [
      (.normClipInsteadOfValue, "the whole gradient was scaled to norm clipValue instead of clamping each entry",
        Oracle.clipByNorm(before, maxNorm: clipValue)),
      (nil, "only entries above +clipValue were clamped; entries below −clipValue must be raised to it too",
        before.map { $0.map { min($0, clipValue) } }),
      (nil, "the gradients were left as they were", before),
    ]
    for (mistake, description, values) in signatures where relativeDistance(after, values) <= 1e-12 {
      throw Finding("After clipGradValue(clipValue: \(clipValue)) (\(situation)), \(description).", mistake: mistake)
    }
    throw Finding("After clipGradValue(clipValue: \(clipValue)) (\(situation)), the gradients differ from each entry clamped to [−\(clipValue), \(clipValue)].")
  }

  /// Runs compareClipping and compares everything with the answer key.
  static func expectComparison(_ code: ValueClippingCode, _ vector: [Double], maxNorm: Double, clipValue: Double) throws {
    let got = try code.compareClipping(vector, maxNorm, clipValue)
    let byNorm = flat(Oracle.clipByNorm([vector], maxNorm: maxNorm))
    let byValue = flat(Oracle.clipByValue([vector], clipValue))
    func angle(_ a: [Double], to b: [Double]) -> Double {
      let lengths = norm([a]) * norm([b])
      return lengths == 0 ? 0 : acos(min(1, max(-1, (a[0] * b[0] + a[1] * b[1]) / lengths))) * 180 / .pi
    }
    let call = "compareClipping(\(vector), maxNorm: \(maxNorm), clipValue: \(clipValue))"
    guard got.original == vector else { throw Finding("\(call).original is \(got.original), not the input vector.") }
    guard relativeDistance(got.byNorm, byNorm) <= 1e-12 else {
      throw Finding("\(call).byNorm is \(got.byNorm); clipping by norm gives \(byNorm).")
    }
    guard relativeDistance(got.byValue, byValue) <= 1e-12 else {
      throw Finding("\(call).byValue is \(got.byValue); clamping each entry gives \(byValue).")
    }
    // Near 0° acos turns a cosine rounded by 1e-16 into about 1e-6°, so
    // the tolerance leaves room for computing it in another order.
    for (what, reported, expected, clipped) in [
      ("by norm", got.angleByNormDegrees, angle(vector, to: byNorm), byNorm),
      ("by value", got.angleByValueDegrees, angle(vector, to: byValue), byValue),
    ] where !(abs(reported - expected) <= 1e-5) {
      if reported.isNaN, norm([clipped]) > 0, expected < 1e-3 || expected > 180 - 1e-3 {
        throw Finding(
          "\(call) reports the angle \(what) as NaN; the vectors are parallel, so it is \(fixed(expected))°. Rounding "
            + "can put a·b / (|a| |b|) a hair past ±1, where acos is NaN: clamp the cosine into [−1, 1] first.",
          mistake: .cosineNotClamped)
      }
      throw Finding(
        "\(call) reports the angle \(what) as \(reported)°; expected \(fixed(expected))°. The angle between a and b "
          + "is acos(a·b / (|a| |b|)), in degrees.")
    }
  }

  static let all: [Check<ValueClippingCode>] = [
    Check("clamps-each-entry", "clipGradValue clamps every entry into [−clipValue, clipValue]") { code in
      for seed: UInt64 in [1, 2, 3, 4] {
        try expectClamp(code, .random(seed: seed, norm: 8), clipValue: 0.5, situation: "seed \(seed)")
      }
    },
    Check("boundary", "Entries at exactly ±clipValue or inside the range are left as they are") { code in
      try expectClamp(code, .exact([[1, -1, 0.25, 0], [-0.999]]), clipValue: 1, situation: "entries at and inside ±1")
    },
    Check("missing-gradients", "Parameters without a gradient are skipped") { code in
      try expectClamp(code, .exact([[3, -4], nil, [0.5]]), clipValue: 1, situation: "one parameter has no gradient")
    },
    Check("non-finite", "±infinity becomes ±clipValue and NaN stays NaN") { code in
      let gradients = GradientCase.exact([[.infinity, -.infinity, .nan, 2]])
      try code.clipGradValue(gradients.parameters, 1)
      let after = gradients.parameters[0].grad!.data
      guard after[0] == 1, after[1] == -1, after[2].isNaN, after[3] == 1 else {
        throw Finding("clipGradValue(clipValue: 1) on [inf, -inf, nan, 2] gave \(after); expected [1, -1, nan, 1], as PyTorch's clamp does.")
      }
    },
    Check("zero-clip-value", "clipValue 0 is valid: every entry becomes 0 and NaN stays NaN") { code in
      try expectZeroAccepted("clipGradValue(clipValue: 0)", effect: "every entry becomes 0, NaN stays NaN") {
        try expectClamp(code, .exact([[3, -0.5, .nan], [0.25]]), clipValue: 0, situation: "clipValue 0")
      }
      try expectZeroAccepted("compareClipping([3, 4], maxNorm: 0, clipValue: 0)", effect: "both copies become [0, 0]") {
        try expectComparison(code, [3, 4], maxNorm: 0, clipValue: 0)
      }
    },
    Check("invalid-arguments", "A negative clipValue throws invalidArgument") { code in
      let gradients = GradientCase.exact([[1, 2]])
      try expectInvalidArgument("clipGradValue(clipValue: -1)") { try code.clipGradValue(gradients.parameters, -1) }
    },
    Check("train-step", "trainStep clamps between backward() and step(), and returns the loss") { code in
      for seed: UInt64 in [1, 2, 3] {
        _ = try judgeClippedStep(
          seed: seed, kind: .value(code), threshold: { 0.3 * (flat($0).map(abs).max() ?? 1) }
        ) { scenario, clipValue in
          try code.trainStep(scenario.model, scenario.optimizer, scenario.batch, scenario.problem.lossFunction, clipValue)
        }
      }
    },
    Check("compare-2d", "compareClipping reports both clipped vectors and their angles to the original") { code in
      // The last three are parallel to a clipped copy, and rounding puts
      // the cosine a hair above 1 in the usual orders of computing it.
      for (vector, maxNorm, clipValue) in [
        ([3.0, 4.0], 1.0, 1.0), ([10, 0.5], 2, 1), ([-6, 2], 1, 0.5), ([0.3, -0.1], 1, 1), ([6, 6], 1, 0.5),
        ([1e-3, 1e-3], 1e-4, 1e-4), ([5, 5], 1, 1),
      ] {
        try expectComparison(code, vector, maxNorm: maxNorm, clipValue: clipValue)
      }
      try expectInvalidArgument("compareClipping([1, 2, 3])") { _ = try code.compareClipping([1, 2, 3], 1, 1) }
    },
    Check("training", "Value-clipped training of an exploding RNN matches the reference run, step by step") { code in
      try expectClippedTraining("trainStep(clipValue: 0.1)", kind: .value(code), threshold: 0.1) {
        model, optimizer, batch, loss in try code.trainStep(model, optimizer, batch, loss, 0.1)
      }
    },
  ]
}
