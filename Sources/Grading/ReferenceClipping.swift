import Autograd
import Contract

extension GradNormClipper {
  /// PyTorch's `clip_grad_norm_`, from the graders' answer key: what
  /// exercise 4 is graded with, so that only its own logic counts there.
  public static let reference = GradNormClipper { parameters, maxNorm, normType, errorIfNonfinite in
    if maxNorm < 0 {
      throw WorkbookError.invalidArgument(function: "clipGradNorm", detail: "maxNorm must be ≥ 0, got \(maxNorm)")
    }
    if !(normType > 0) {
      throw WorkbookError.invalidArgument(function: "gradNorm", detail: "normType must be positive, got \(normType)")
    }
    let withGradient = parameters.filter { $0.grad != nil }
    let total = Oracle.totalNorm(withGradient.map { $0.grad!.data }, normType: normType)
    if errorIfNonfinite && !total.isFinite { throw WorkbookError.nonFiniteNorm(function: "clipGradNorm", norm: total) }
    let factor = Oracle.clipFactor(total: total, maxNorm: maxNorm)
    for p in withGradient { p.grad!.data = p.grad!.data.map { $0 * factor } }
    return total
  }
}
