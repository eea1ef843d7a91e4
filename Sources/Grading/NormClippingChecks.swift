import Autograd
import Contract
import Datasets
import Foundation

/// Exercise 1's checks: global norm, clip_grad_norm_ and the clipped step.
enum NormClippingChecks {
  static let seeds: [UInt64] = [1, 2, 3, 4, 5]
  /// The p-norms other than 2 and infinity that the checks try.
  static let otherNormTypes: [Double] = [1, 3, 0.5]
  static let allNormTypes: [Double] = [2, .infinity] + otherNormTypes
  /// Gradients with a NaN or an infinity, in the first and a middle place:
  /// Swift's max(x, .nan) keeps x, so a NaN that is not last can vanish.
  static let nonFiniteGradients: [Values] = [[[1, .nan], [2]], [[.nan, 3], [-2]], [[1, .infinity], [2]], [[-.infinity, 3], [-2]]]

  /// clipGradNorm(errorIfNonfinite: true) on non-finite `grads` must throw
  /// nonFiniteNorm before it changes any gradient, as PyTorch does.
  static func expectNonFiniteThrows(_ code: NormClippingCode, _ grads: Values, normType: Double) throws {
    let gradients = GradientCase.exact(grads)
    let call = "clipGradNorm(\(grads), maxNorm: 1, normType: \(fixed(normType)), errorIfNonfinite: true)"
    do {
      let returned = try code.clipGradNorm(gradients.parameters, 1, normType, true)
      let after = try gradients.currentPresent("clipGradNorm")
      if let blame = blameGradNorm(code, before: grads, normType: normType, maxNorm: 1, after: after, returned: returned) {
        throw blame
      }
      throw Finding("\(call) returned \(returned); it should throw WorkbookError.nonFiniteNorm.")
    } catch WorkbookError.nonFiniteNorm {
    } catch let error as WorkbookError {
      if case .notImplemented = error { throw error }
      throw Finding("\(call) threw \(error), not nonFiniteNorm.")
    }
    let after = try gradients.currentPresent("clipGradNorm")
    guard relativeDistance(after, grads) == 0 else {
      throw Finding(
        "\(call) threw nonFiniteNorm, but after changing the gradients to \(after). PyTorch throws before it "
          + "clips, so the gradients stay as they were.")
    }
  }

  /// Runs clipGradNorm on `gradients` and compares everything with PyTorch's rule.
  static func expectClip(
    _ code: NormClippingCode, _ gradients: GradientCase, maxNorm: Double, normType: Double = 2, situation: String
  ) throws {
    let before = gradients.present
    let total = Oracle.totalNorm(before, normType: normType)
    let expected = Oracle.clipByNorm(before, maxNorm: maxNorm, normType: normType)
    let call = "clipGradNorm(maxNorm: \(fixed(maxNorm)), normType: \(normType)) on gradients of norm \(fixed(total)) (\(situation))"
    let returned = try code.clipGradNorm(gradients.parameters, maxNorm, normType, false)
    let after = try gradients.currentPresent("clipGradNorm")
    let distance = relativeDistance(after, expected)
    if distance > 1e-12 || !sameNorm(returned, total, 1e-12),
      let blame = blameGradNorm(code, before: before, normType: normType, maxNorm: maxNorm, after: after, returned: returned)
    {
      throw blame
    }
    if distance > 1e-12 {
      // Scaling up shows only below maxNorm, and a missing 1e-6 only above
      // it: elsewhere each looks like a correct clip or like gradients left
      // alone, and "left alone" has its own advice at exactly maxNorm.
      var signatures: [(Mistake?, String, Values)] = []
      if total < maxNorm {
        signatures += [
          (.scalesUpSmallGradients, "every gradient was scaled to have norm maxNorm, also when it was smaller",
            scale(before, maxNorm / total)),
          (.scalesUpSmallGradients,
            "every gradient was multiplied by maxNorm / (norm + 1e-6) without min(1, ·), which stretches a small gradient",
            scale(before, maxNorm / (total + 1e-6))),
        ]
      }
      if total > maxNorm {
        signatures.append(
          (.missingEpsilon, "the factor was maxNorm / norm, without the + 1e-6 PyTorch adds", scale(before, maxNorm / total)))
      }
      if total.isNaN {
        signatures.append(
          (.nanLostInMinMax,
            "the NaN norm gave the factor 1 (Swift's min(1, .nan) is 1); PyTorch keeps the NaN factor, so every entry becomes NaN",
            before))
      }
      signatures += [
        (nil, "the gradients were left as they were", before),
        (.valueClipInsteadOfNorm, "each entry was clamped to ±maxNorm instead", Oracle.clipByValue(before, maxNorm)),
        (.perParameterNorm, "each parameter was clipped by its own norm", before.map { flat(Oracle.clipByNorm([$0], maxNorm: maxNorm, normType: normType)) }),
      ]
      if normType == 2 {
        let squares = flat(before).reduce(0) { $0 + $1 * $1 }
        signatures.append(
          (.missingSquareRoot, "the norm in the factor was Σ g², without its square root",
            scale(before, Oracle.clipFactor(total: squares, maxNorm: maxNorm))))
      }
      for (mistake, description, values) in signatures
      where relativeDistance(values, expected) > 1e-12 && relativeDistance(after, values) <= 1e-9 {
        var message = "After \(call), the gradients are what you get when \(description)."
        if mistake == nil, abs(total - maxNorm) < 1e-9 {
          message += " At exactly maxNorm PyTorch still multiplies by maxNorm / (norm + 1e-6) ≈ 0.999999: always multiply by min(1, maxNorm / (norm + 1e-6))."
        }
        throw Finding(message, mistake: mistake)
      }
      throw Finding("After \(call), the gradients differ from PyTorch's clip_grad_norm_ by \(sci(distance)) (relative; allowed 1e-12).")
    }
    if !sameNorm(returned, total, 1e-12) {
      let clippedNorm = Oracle.totalNorm(expected, normType: normType)
      if abs(clippedNorm - total) > 1e-9 * total, abs(returned - clippedNorm) <= 1e-9 * max(1, clippedNorm) {
        throw Finding(
          "\(call) returned \(returned), the norm after clipping; return the norm before clipping, \(total).",
          mistake: .returnsClippedNorm)
      }
      if let (mistake, description) = diagnoseNorm(returned, before, normType: normType) {
        throw Finding(
          "\(call) returned \(returned), which is \(description); return the total norm before clipping, \(total).",
          mistake: mistake)
      }
      throw Finding("\(call) returned \(returned); it should return the total norm before clipping, \(total).")
    }
  }

  static let all: [Check<NormClippingCode>] = [
    Check("l2-norm", "gradNorm is the L2 norm of all gradients laid end to end") { code in
      for seed in seeds {
        let gradients = GradientCase.random(seed: seed, norm: Double(seed) * 1.7)
        let got = try code.gradNorm(gradients.parameters, 2)
        try expectNorm(got, "gradNorm (seed \(seed))", grads: gradients.present)
      }
    },
    Check("infinity-norm", "gradNorm with normType .infinity is the largest |gradient entry|") { code in
      for seed in seeds {
        let gradients = GradientCase.random(seed: seed, norm: 3)
        let got = try code.gradNorm(gradients.parameters, .infinity)
        try expectNorm(got, "gradNorm(normType: .infinity) (seed \(seed))", grads: gradients.present, normType: .infinity)
      }
    },
    Check("p-norm", "gradNorm with normType 1, 3 or 0.5 is (Σ |g|ᵖ)^(1/p)") { code in
      for normType in otherNormTypes {
        let gradients = GradientCase.random(seed: 8, norm: 2)
        let got = try code.gradNorm(gradients.parameters, normType)
        try expectNorm(got, "gradNorm(normType: \(fixed(normType)))", grads: gradients.present, normType: normType)
      }
    },
    Check("missing-gradients", "Parameters without a gradient are skipped, and none at all gives 0") { code in
      let none = GradientCase.exact([nil, nil])
      let zero = try code.gradNorm(none.parameters, 2)
      guard zero == 0 else { throw Finding("gradNorm of parameters that have no gradient returned \(zero), not 0.") }
      let empty = try code.gradNorm([], 2)
      guard empty == 0 else { throw Finding("gradNorm([]) returned \(empty), not 0.") }
      let some = GradientCase.exact([[3, 4], nil, [12]])
      let got = try code.gradNorm(some.parameters, 2)
      guard abs(got - 13) <= 1e-12 else {
        throw Finding("gradNorm of gradients [3, 4], none, [12] returned \(got), not 13.")
      }
    },
    Check("clip-above-threshold", "clipGradNorm scales a gradient above maxNorm down by one common factor") { code in
      for seed in seeds {
        try expectClip(code, .random(seed: seed, norm: 10 * Double(seed)), maxNorm: 1.5, situation: "above maxNorm, seed \(seed)")
      }
    },
    Check("clip-below-threshold", "clipGradNorm leaves a gradient below maxNorm unchanged") { code in
      for seed in seeds {
        try expectClip(code, .random(seed: seed, norm: 0.2), maxNorm: 1, situation: "below maxNorm, seed \(seed)")
      }
    },
    Check("clip-at-threshold", "clipGradNorm at exactly maxNorm multiplies by maxNorm / (norm + 1e-6)") { code in
      try expectClip(code, .exact([[3, 4], [12]]), maxNorm: 13, situation: "exactly maxNorm")
    },
    Check("matches-pytorch", "clipGradNorm gives PyTorch's clip_grad_norm_ results to 1e-12") { code in
      for case_ in PyTorchReference.pytorchCases {
        let gradients = GradientCase.exact(case_.grads)
        let call = "clipGradNorm(\(case_.grads), maxNorm: \(case_.maxNorm), normType: \(case_.normType))"
        let total = try code.clipGradNorm(gradients.parameters, case_.maxNorm, case_.normType, false)
        let after = try gradients.currentPresent("clipGradNorm")
        guard relativeDistance(after, case_.clipped) <= 1e-12, abs(total - case_.total) <= 1e-12 * case_.total else {
          if let blame = blameGradNorm(
            code, before: case_.grads, normType: case_.normType, maxNorm: case_.maxNorm, after: after, returned: total)
          {
            throw blame
          }
          throw Finding(
            "\(call) gave \(after) and returned \(total); PyTorch's clip_grad_norm_ gives \(case_.clipped) and "
              + "returns \(case_.total).")
        }
      }
    },
    Check("zero-max-norm", "maxNorm 0 is valid: clipGradNorm makes every gradient 0") { code in
      try expectZeroAccepted("clipGradNorm(maxNorm: 0)", effect: "the factor 0 / (norm + 1e-6) makes every gradient 0") {
        try expectClip(code, .random(seed: 7, norm: 3), maxNorm: 0, situation: "maxNorm 0")
      }
    },
    Check("zero-gradient", "clipGradNorm on an all-zero gradient leaves zeros and returns 0") { code in
      let gradients = GradientCase.exact([[0, 0, 0], [0]])
      let returned = try code.clipGradNorm(gradients.parameters, 1, 2, false)
      let after = flat(try gradients.currentPresent("clipGradNorm"))
      guard after.allSatisfy({ $0 == 0 }), returned == 0 else {
        throw Finding(
          "clipGradNorm on zero gradients gave \(after) and returned \(returned); expected zeros and 0. "
            + "Dividing by a zero norm gives NaN: that is what the 1e-6 in maxNorm / (norm + 1e-6) prevents.",
          mistake: after.contains(where: \.isNaN) ? .missingEpsilon : nil)
      }
    },
    Check("huge-component", "One huge entry scales every gradient down, keeping the direction") { code in
      var gradients = GradientCase.random(seed: 6, norm: 1)
      gradients.parameters[0].grad!.data[5] = 1e12
      gradients.grads[0]![5] = 1e12
      try expectClip(code, gradients, maxNorm: 1, situation: "one entry is 1e12")
    },
    Check("infinity-norm-clipping", "clipGradNorm with normType .infinity uses the largest entry") { code in
      for seed in seeds.prefix(3) {
        try expectClip(code, .random(seed: seed, norm: 20), maxNorm: 0.5, normType: .infinity, situation: "seed \(seed)")
      }
    },
    Check("p-norm-clipping", "clipGradNorm with normType 1, 3 or 0.5 measures with that norm") { code in
      for normType in otherNormTypes {
        try expectClip(code, .random(seed: 9, norm: 20), maxNorm: 1, normType: normType, situation: "seed 9")
      }
    },
    Check("non-finite-norm", "A NaN entry makes gradNorm NaN, an infinite one infinite, for every normType") { code in
      for normType in allNormTypes {
        for grads in nonFiniteGradients {
          let gradients = GradientCase.exact(grads)
          let got = try code.gradNorm(gradients.parameters, normType)
          try expectNorm(got, "gradNorm(\(grads), normType: \(fixed(normType)))", grads: grads, normType: normType)
        }
      }
    },
    Check(
      "non-finite", "A non-finite norm throws before clipping when asked, and clips as PyTorch does otherwise"
    ) { code in
      for normType in allNormTypes {
        for grads in nonFiniteGradients {
          try expectNonFiniteThrows(code, grads, normType: normType)
          try expectClip(
            code, .exact(grads), maxNorm: 1, normType: normType, situation: "\(grads), errorIfNonfinite: false")
        }
      }
    },
    Check("invalid-arguments", "A negative maxNorm or a non-positive normType throws invalidArgument") { code in
      let gradients = GradientCase.exact([[1, 2]])
      try expectInvalidArgument("clipGradNorm(maxNorm: -1)") { _ = try code.clipGradNorm(gradients.parameters, -1, 2, false) }
      try expectInvalidArgument("clipGradNorm(normType: 0)") { _ = try code.clipGradNorm(gradients.parameters, 1, 0, false) }
      try expectInvalidArgument("gradNorm(normType: -2)") { _ = try code.gradNorm(gradients.parameters, -2) }
    },
    Check("train-step", "trainStep clips between backward() and step(), and reports the loss and the norm before clipping") {
      code in
      for seed in seeds.prefix(3) {
        var record = StepRecord(loss: .nan, gradNorm: .nan)
        let kind = ClipKind.norm(code)
        let (g, maxNorm) = try judgeClippedStep(seed: seed, kind: kind, threshold: { 0.25 * norm($0) }) {
          scenario, maxNorm in
          record = try code.trainStep(
            scenario.model, scenario.optimizer, scenario.batch, scenario.problem.lossFunction, maxNorm)
          return record.loss
        }
        guard abs(record.gradNorm - norm(g)) <= 1e-10 * norm(g) else {
          try kind.blameOwnClip(g, maxNorm) { own in own.returned.map { sameNorm($0, record.gradNorm, 1e-12) } ?? false }
          // Measured after clipping, the norm is a hair under maxNorm.
          let clippedNorm = norm(g) * Oracle.clipFactor(total: norm(g), maxNorm: maxNorm)
          let returnedClipped = abs(record.gradNorm - clippedNorm) <= 1e-9 * clippedNorm
            || abs(record.gradNorm - maxNorm) <= 1e-9 * maxNorm
          throw Finding(
            "trainStep reported gradNorm \(record.gradNorm); the norm before clipping is \(norm(g)).",
            mistake: returnedClipped ? .returnsClippedNorm : nil)
        }
      }
    },
    Check("training", "Clipped training of an exploding RNN matches the reference run, step by step") { code in
      try expectClippedTraining("trainStep(maxNorm: 1)", kind: .norm(code), threshold: 1) { model, optimizer, batch, loss in
        try code.trainStep(model, optimizer, batch, loss, 1).loss
      }
    },
  ]
}
