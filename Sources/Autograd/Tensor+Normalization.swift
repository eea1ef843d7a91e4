// The one normalization op behind BatchNorm1d and LayerNorm. Both compute
// y = (x − mean)/√(var + eps) · weight + bias with a weight and a bias per
// feature (the last axis); they differ only in which entries share a mean
// and a variance. Written once, so the two layers cannot drift apart.

/// Which entries of a tensor, seen as [rows, features], share one mean and
/// one variance.
enum NormalizationAxis {
  /// Each feature over all rows, i.e. over the batch: `BatchNorm1d`.
  case rows
  /// Each row over its own features: `LayerNorm`.
  case features
}

/// The mean and the biased variance (divided by n, not n − 1) of each
/// group, the numbers both layers normalize with.
struct NormalizationStatistics {
  var mean: [Double]
  var variance: [Double]
}

extension Tensor {
  /// The tensor as [rows, features], features being the last axis.
  var rowsAndFeatures: (rows: Int, features: Int) {
    let features = shape.last ?? 1
    return (features == 0 ? 0 : count / features, features)
  }

  /// The mean and biased variance of each group along `axis`, in two passes
  /// (the mean, then the squared deviations from it): unlike E[x²] − E[x]²,
  /// a constant group gets a variance of exactly 0, never a negative one.
  func normalizationStatistics(over axis: NormalizationAxis) -> NormalizationStatistics {
    let (rows, features) = rowsAndFeatures
    let groups = axis == .rows ? features : rows
    let size = Double(axis == .rows ? rows : features)
    var mean = [Double](repeating: 0, count: groups)
    var variance = [Double](repeating: 0, count: groups)
    data.withUnsafeBufferPointer { x in
      for r in 0..<rows {
        for f in 0..<features { mean[axis == .rows ? f : r] += x[r * features + f] }
      }
      for g in 0..<groups { mean[g] /= size }
      for r in 0..<rows {
        for f in 0..<features {
          let g = axis == .rows ? f : r
          let d = x[r * features + f] - mean[g]
          variance[g] += d * d
        }
      }
    }
    for g in 0..<groups { variance[g] /= size }
    return NormalizationStatistics(mean: mean, variance: variance)
  }

  /// (x − mean)/√(var + eps) · weight + bias, with `weight` and `bias` of
  /// one value per feature and the statistics of one value per group.
  ///
  /// - Parameters:
  ///   - fromThisInput: whether `statistics` were computed from this very
  ///     tensor (BatchNorm1d in training, LayerNorm). Then every output of
  ///     a group depends on every input of it through the mean and the
  ///     variance, and the gradient says so; otherwise (BatchNorm1d in
  ///     eval mode, with running statistics) they are constants.
  ///   - op: the name the graph and the memory meter record.
  func normalized(
    statistics: NormalizationStatistics, over axis: NormalizationAxis, eps: Double,
    weight: Tensor, bias: Tensor, fromThisInput: Bool, op: String
  ) throws -> Tensor {
    let (rows, features) = rowsAndFeatures
    let groups = statistics.mean.count
    let size = Double(axis == .rows ? rows : features)
    let x = data, mean = statistics.mean, w = weight.data, b = bias.data
    let invStd = statistics.variance.map { 1 / ($0 + eps).squareRoot() }
    // x̂, the normalized input. The backward rule recomputes it from the
    // input, the mean and 1/σ, as PyTorch's kernels do, instead of keeping
    // a second [rows, features] array alive.
    let normalizedInput = { () -> [Double] in
      var xHat = [Double](repeating: 0, count: rows * features)
      for r in 0..<rows {
        for f in 0..<features {
          let g = axis == .rows ? f : r
          xHat[r * features + f] = (x[r * features + f] - mean[g]) * invStd[g]
        }
      }
      return xHat
    }
    let xHat = normalizedInput()
    var y = xHat
    for r in 0..<rows {
      for f in 0..<features { y[r * features + f] = y[r * features + f] * w[f] + b[f] }
    }

    let inputNeedsGrad = requiresGrad, weightNeedsGrad = weight.requiresGrad, biasNeedsGrad = bias.requiresGrad
    return try Tensor.record(
      y, shape: shape, op: op, inputs: [self, weight, bias], savedValues: fromThisInput ? 2 * groups : 0
    ) { g in
      let xHat = normalizedInput()
      // dL/dweight = Σ g·x̂ and dL/dbias = Σ g over the rows, per feature.
      var dWeight = [Double](repeating: 0, count: features)
      var dBias = [Double](repeating: 0, count: features)
      // dL/dx̂ = g · weight.
      var dxHat = [Double](repeating: 0, count: rows * features)
      for r in 0..<rows {
        for f in 0..<features {
          let i = r * features + f
          dWeight[f] += g[i] * xHat[i]
          dBias[f] += g[i]
          dxHat[i] = g[i] * w[f]
        }
      }
      var dx: [Double]? = nil
      if inputNeedsGrad {
        var grad = [Double](repeating: 0, count: rows * features)
        if fromThisInput {
          // Through the statistics too. With n entries per group,
          // dx = (1/σ) · (dx̂ − mean(dx̂) − x̂ · mean(dx̂ · x̂)): moving one
          // entry moves its group's mean and variance, and with them every
          // output of the group. Hence each group's dx sums to 0.
          var meanD = [Double](repeating: 0, count: groups)
          var meanDX = [Double](repeating: 0, count: groups)
          for r in 0..<rows {
            for f in 0..<features {
              let i = r * features + f, k = axis == .rows ? f : r
              meanD[k] += dxHat[i]
              meanDX[k] += dxHat[i] * xHat[i]
            }
          }
          for k in 0..<groups {
            meanD[k] /= size
            meanDX[k] /= size
          }
          for r in 0..<rows {
            for f in 0..<features {
              let i = r * features + f, k = axis == .rows ? f : r
              grad[i] = invStd[k] * (dxHat[i] - meanD[k] - xHat[i] * meanDX[k])
            }
          }
        } else {
          // Constant statistics: an elementwise scale by 1/σ.
          for r in 0..<rows {
            for f in 0..<features {
              let i = r * features + f
              grad[i] = invStd[axis == .rows ? f : r] * dxHat[i]
            }
          }
        }
        dx = grad
      }
      return [dx, weightNeedsGrad ? dWeight : nil, biasNeedsGrad ? dBias : nil]
    }
  }
}
