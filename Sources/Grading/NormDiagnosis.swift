import Foundation

// How exercise 1's checks read a norm: whether it is the same number
// (NaN and infinity included), and which wrong norm it most likely is.

/// `a` is `b` as a norm: NaN only matches NaN, an infinity only itself, and
/// finite numbers agree to `tolerance` (relative; absolute below 1).
func sameNorm(_ a: Double, _ b: Double, _ tolerance: Double) -> Bool {
  if a.isNaN || b.isNaN { return a.isNaN && b.isNaN }
  if a.isInfinite || b.isInfinite { return a == b }
  return abs(a - b) <= tolerance * max(1, abs(b))
}

/// "the L2 norm", "the 3-norm (Σ |g|ᵖ)^(1/p)", for messages.
func normName(_ normType: Double) -> String {
  switch normType {
  case 2: return "the L2 norm"
  case .infinity: return "the infinity norm (the largest |g|)"
  case 1: return "the 1-norm Σ |g|"
  default: return "the \(fixed(normType))-norm (Σ |g|ᵖ)^(1/p)"
  }
}

extension NormClippingChecks {
  /// What common wrong norms give for these gradients.
  static func wrongNorms(_ grads: Values, normType: Double) -> [(Mistake?, String, Double)] {
    let all = flat(grads)
    var signatures: [(Mistake?, String, Double)] = []
    if all.contains(where: \.isNaN) {
      signatures.append(
        (.nanLostInMinMax, "the norm without the NaN entries (Swift's max(x, .nan) is x)",
          Oracle.totalNorm([all.filter { !$0.isNaN }], normType: normType)))
    }
    if normType == 2 {
      let perParameter = grads.map { g in g.reduce(0) { $0 + $1 * $1 }.squareRoot() }
      signatures += [
        (.missingSquareRoot, "the sum of squares without its square root", all.reduce(0) { $0 + $1 * $1 }),
        (.perParameterNorm, "the largest single parameter's norm", perParameter.max() ?? 0),
        (.perParameterNorm, "the sum of the per-parameter norms", perParameter.reduce(0, +)),
        (.perParameterNorm, "the first parameter's norm only", perParameter.first ?? 0),
        (.perParameterNorm, "the last parameter's norm only", perParameter.last ?? 0),
      ]
    } else {
      signatures.append((nil, "the L2 norm: normType was not used", Oracle.totalNorm(grads)))
    }
    if normType.isFinite, normType != 1, normType != 2 {
      let sum = all.reduce(0) { $0 + pow(abs($1), normType) }
      signatures += [
        (.wrongPNormRoot, "Σ |g|ᵖ raised to p instead of 1/p", pow(sum, normType)),
        (.wrongPNormRoot, "the square root of Σ |g|ᵖ instead of its p-th root", sum.squareRoot()),
        (.wrongPNormRoot, "Σ |g|ᵖ without its p-th root", sum),
      ]
    }
    return signatures
  }

  /// The wrong norm that `got` is, when it is one the checks know.
  static func diagnoseNorm(_ got: Double, _ grads: Values, normType: Double) -> (mistake: Mistake?, description: String)? {
    let expected = Oracle.totalNorm(grads, normType: normType)
    return wrongNorms(grads, normType: normType).first { _, _, value in
      !sameNorm(value, expected, 1e-9) && sameNorm(got, value, 1e-9)
    }.map { ($0.0, $0.1) }
  }

  static func expectNorm(_ got: Double, _ what: String, grads: Values, normType: Double = 2) throws {
    let expected = Oracle.totalNorm(grads, normType: normType)
    if sameNorm(got, expected, 1e-12) { return }
    let right = "\(normName(normType)) of all gradients together is \(expected)"
    if let (mistake, description) = diagnoseNorm(got, grads, normType: normType) {
      throw Finding("\(what) returned \(got), which is \(description); \(right).", mistake: mistake)
    }
    throw Finding("\(what) returned \(got); \(right).")
  }

  /// When clipGradNorm gave `after` and `returned` only because the
  /// student's gradNorm is wrong for `before`: the finding that says so.
  static func blameGradNorm(
    _ code: NormClippingCode, before: Values, normType: Double, maxNorm: Double, after: Values, returned: Double
  ) -> Finding? {
    let total = Oracle.totalNorm(before, normType: normType)
    guard let own = try? code.gradNorm(GradientCase.exact(before).parameters, normType), !sameNorm(own, total, 1e-12),
      relativeDistance(after, scale(before, Oracle.clipFactor(total: own, maxNorm: maxNorm))) <= 1e-12,
      sameNorm(returned, own, 1e-12)
    else { return nil }
    let diagnosis = diagnoseNorm(own, before, normType: normType)
    return Finding(
      "clipGradNorm itself is right; it fails because your gradNorm(normType: \(fixed(normType))) returns \(own) "
        + "for these gradients\(diagnosis.map { ", \($0.description)" } ?? ""); \(normName(normType)) is \(total).",
      mistake: diagnosis?.mistake)
  }
}
