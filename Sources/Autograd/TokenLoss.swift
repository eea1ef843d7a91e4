/// A batch's token loss as a sum, with the number of tokens it sums over.
///
/// Padded sequences make the number of real tokens differ from batch to
/// batch, so the mean over a micro-batch weights its tokens by 1/(its own
/// count). Averaging such means over the micro-batches of an accumulation
/// window weights a token of a short micro-batch more than one of a long
/// one: not the large batch's loss. Keeping the sum and the count lets the
/// caller divide by the count of the whole window instead, which is
/// Hugging Face Transformers' `num_items_in_batch` fix
/// (huggingface/transformers#34191).
///
///     let loss = try tokenCrossEntropy(logits, batch.targets)
///     try (loss.sum / Double(windowTokenCount)).backward()
public struct TokenLoss {
  /// Σ over real tokens of −log softmax(logits)[target], a 0-D tensor to
  /// call `backward()` on. Padding adds nothing to it, nor to its gradient.
  public let sum: Tensor
  /// The number of real tokens: targets other than `ignoreIndex`.
  public let count: Int

  /// `sum / count`, PyTorch's `reduction="mean"` with `ignore_index`: NaN
  /// when every target is ignored, as in PyTorch.
  public func mean() throws -> Tensor { try sum / Double(count) }
}

/// Softmax cross-entropy per token that skips padding, as PyTorch's
/// `F.cross_entropy(logits, targets, ignore_index=-100, reduction="sum")`,
/// returned with the number of tokens that were not skipped.
///
/// Each row of `logits` is one token position. A row whose target is
/// `ignoreIndex` (padding) adds nothing to the sum and gets a gradient of
/// exactly 0; the other rows go through `softmaxCrossEntropy` with
/// `.sum`, so its numbers are exactly those of `softmaxCrossEntropy` on the
/// real rows alone.
///
/// - Parameters:
///   - logits: [tokens, vocabulary] unnormalized scores.
///   - targets: [tokens], each a token index in `0..<vocabulary` or
///     `ignoreIndex`, stored as whole numbers (as `softmaxCrossEntropy`'s
///     labels are).
///   - ignoreIndex: the target of padding positions; PyTorch's default
///     is -100.
/// - Returns: the summed loss and the count of real tokens.
/// - Throws: `TensorError.invalidArgument` for logits that are not 2-D or a
///   target that is neither a token index nor `ignoreIndex`, and
///   `TensorError.shapeMismatch` for targets that are not [tokens].
///
/// Memory: the meter is charged for the copy of the real rows,
/// [real tokens, vocabulary], and the one-number loss (`MemoryMeter`
/// counts recorded outputs; as for `softmaxCrossEntropy`, the
/// probabilities its backward rule keeps are not counted).
public func tokenCrossEntropy(_ logits: Tensor, _ targets: Tensor, ignoreIndex: Int = -100) throws -> TokenLoss {
  let op = "tokenCrossEntropy"
  guard logits.rank == 2 else {
    throw TensorError.invalidArgument(op: op, detail: "logits must be [tokens, vocabulary], got \(logits.shape)")
  }
  let (tokens, vocabulary) = (logits.shape[0], logits.shape[1])
  guard targets.shape == [tokens] else {
    throw TensorError.shapeMismatch(
      op: op, lhs: logits.shape, rhs: targets.shape, detail: "targets must be [tokens] = [\(tokens)]")
  }
  // Compared as Doubles: Int(target) would trap on a huge or infinite one.
  for target in targets.data
  where target != Double(ignoreIndex) && (target != target.rounded() || target < 0 || target >= Double(vocabulary)) {
    throw TensorError.invalidArgument(
      op: op, detail: "target \(target) is neither a token index in 0..<\(vocabulary) nor ignoreIndex \(ignoreIndex)")
  }
  // softmaxCrossEntropy over the real rows only: padding rows are never
  // computed, and indexSelect's backward gives them a gradient of exactly 0.
  let real = targets.data.indices.filter { targets.data[$0] != Double(ignoreIndex) }
  let sum = try softmaxCrossEntropy(
    logits.indexSelect(real), Tensor(real.map { targets.data[$0] }), reduction: .sum)
  return TokenLoss(sum: sum, count: real.count)
}

/// PyTorch's `F.cross_entropy(logits, targets, ignore_index=-100,
/// reduction=…)`: `tokenCrossEntropy`'s sum (`.sum`) or its sum divided by
/// the count of real tokens (`.mean`, PyTorch's default).
public func crossEntropy(
  _ logits: Tensor, _ targets: Tensor, ignoreIndex: Int = -100, reduction: Reduction = .mean
) throws -> Tensor {
  let loss = try tokenCrossEntropy(logits, targets, ignoreIndex: ignoreIndex)
  switch reduction {
  case .sum: return loss.sum
  case .mean: return try loss.mean()
  }
}
