import Foundation

/// How a loss combines the per-sample terms of a batch.
///
/// `.mean` makes the loss (and its gradient) independent of the batch size,
/// which is why accumulated micro-batch losses must be rescaled; `.sum` does
/// not divide.
public enum Reduction: String, Sendable, CaseIterable {
  case mean, sum
}

/// Mean squared error between a prediction and a target of the same shape.
///
/// Shapes must match exactly: a [B, 1] prediction against a [B] target
/// would otherwise broadcast to [B, B] and give a wrong number silently.
public func mse(_ prediction: Tensor, _ target: Tensor, reduction: Reduction = .mean) throws -> Tensor {
  guard prediction.shape == target.shape else {
    throw TensorError.shapeMismatch(
      op: "mse", lhs: prediction.shape, rhs: target.shape, detail: "prediction and target must have the same shape")
  }
  let diff = zipValues(prediction.data, target.data, -)
  let scale = reduction == .mean ? 1 / Double(max(diff.count, 1)) : 1
  let value = diff.reduce(0) { $0 + $1 * $1 } * scale
  let targetNeedsGrad = target.requiresGrad  // a flag, not the tensor: see Ops+Arithmetic.swift
  return try Tensor.record([value], shape: [], op: "mse", inputs: [prediction, target]) { g in
    // d/dp Σ(p−t)²·s = 2(p−t)·s, and the negative of that for t.
    let gp = mapValues(diff) { 2 * $0 * scale * g[0] }
    return [gp, targetNeedsGrad ? mapValues(gp, -) : nil]
  }
}

/// Cross-entropy of softmax(logits) against integer class labels.
///
/// Computed as log-sum-exp minus the true logit, shifting by the row maximum
/// so large logits never overflow `exp`.
///
/// - Parameters:
///   - logits: [batch, classes] unnormalized scores.
///   - labels: [batch] class indices stored as whole numbers.
public func softmaxCrossEntropy(_ logits: Tensor, _ labels: Tensor, reduction: Reduction = .mean) throws -> Tensor {
  guard logits.rank == 2 else {
    throw TensorError.invalidArgument(op: "softmaxCrossEntropy", detail: "logits must be [batch, classes], got \(logits.shape)")
  }
  let (batch, classes) = (logits.shape[0], logits.shape[1])
  guard labels.shape == [batch] else {
    throw TensorError.shapeMismatch(
      op: "softmaxCrossEntropy", lhs: logits.shape, rhs: labels.shape, detail: "labels must be [batch] = [\(batch)]")
  }
  // Compared as Doubles: Int(label) would trap on a huge or infinite label.
  for label in labels.data where label != label.rounded() || label < 0 || label >= Double(classes) {
    throw TensorError.invalidArgument(
      op: "softmaxCrossEntropy", detail: "label \(label) is not a class index in 0..<\(classes)")
  }
  var probabilities = [Double](repeating: 0, count: batch * classes)
  var total = 0.0
  logits.data.withUnsafeBufferPointer { z in
    for i in 0..<batch {
      let row = z[(i * classes)..<((i + 1) * classes)]
      let shift = row.max() ?? 0
      var sumExp = 0.0
      for c in 0..<classes {
        let e = Foundation.exp(z[i * classes + c] - shift)
        probabilities[i * classes + c] = e
        sumExp += e
      }
      for c in 0..<classes { probabilities[i * classes + c] /= sumExp }
      total += Foundation.log(sumExp) + shift - z[i * classes + Int(labels.data[i])]
    }
  }
  let scale = reduction == .mean ? 1 / Double(max(batch, 1)) : 1
  let labelIndices = labels.data.map { Int($0) }
  return try Tensor.record([total * scale], shape: [], op: "softmaxCrossEntropy", inputs: [logits]) { g in
    // d/dz = softmax(z) − onehot(label), per sample, times the reduction scale.
    var grad = probabilities
    for i in 0..<batch { grad[i * classes + labelIndices[i]] -= 1 }
    return [mapValues(grad) { $0 * scale * g[0] }]
  }
}
