// Exercise 6, an optional lab: where accumulation breaks
//
// Exercise 3 proved that accumulation takes exactly the large batch's step
// when the loss is a mean over independent samples. Real training breaks
// that promise in three places:
//
// 1. Padded sequences. A language model's loss is a mean over tokens, and
//    micro-batches of text hold different numbers of real tokens. Every
//    token must count once in its window: add up the token losses and
//    divide by the window's token count (Transformers' num_items_in_batch).
// 2. Data-parallel workers. Each worker accumulates its own micro-batches;
//    they exchange gradients once per optimizer step (DDP's no_sync on the
//    other micro-steps), and the token count is the one over all workers.
// 3. Gradients spread over workers, clipped as if they were in one place:
//    by norm with one all-reduce, by value with none.
//
// BatchNorm is the fourth: its statistics mix the samples of a batch, and
// no weighting makes accumulation exact. That one is measured, not graded:
// `swift run workbook run ex6 --norm batch`.
//
// The guide, README.md beside this file, explains each part;
// `swift run workbook hint ex6` gives hints.
//
// Grade this exercise:  swift test --filter Exercise6
// See it work:          swift run workbook run ex6

import Autograd
import Contract
import Datasets

// MARK: - Example

/// The large batch's step that the two training functions below must
/// reproduce: one forward and one backward pass over a padded batch, the
/// loss averaged over its real tokens, then one step.
///
/// - Returns: the batch's mean token loss, before the step.
public func trainOnWholeTokenBatch(
  model: any Module, optimizer: any Optimizer, batch: TokenBatch, lossFunction: TokenLossFunction
) throws -> Double {
  optimizer.zeroGrad()
  let loss = try lossFunction(model(batch.inputs), batch.targets).mean()
  try loss.backward()
  optimizer.step()
  return loss.item()
}

// MARK: - To implement

/// Trains on padded `microBatches` of token sequences, one optimizer step
/// per window of `accumulationSteps` consecutive micro-batches, with every
/// real token of a window counting once, as in the large batch.
///
/// Each step must equal the step `trainOnWholeTokenBatch` would take on the
/// window's sequences padded into one batch. Micro-batches hold different
/// numbers of real tokens, and their padding (targets of
/// `TokenBatch.ignoreIndex`) holds none: look ahead over the window to
/// count its real tokens N, then give each micro-batch's *summed* token
/// loss the weight 1/N before its `backward()` (Transformers'
/// `num_items_in_batch`). When the micro-batches do not fill whole windows,
/// the last, shorter window is still trained on. Gradients already in
/// `.grad` when it is called belong to no window and must not reach any
/// step.
///
/// With micro-batches of 12, 3 and 9 real tokens and `accumulationSteps`
/// 2, the first step weights every token of the first two by 1/15, the
/// second step every token of the third by 1/9.
///
/// See huggingface/transformers#34191 and `Trainer.get_batch_samples` in
/// src/transformers/trainer.py, which counts the labels that are not -100.
///
/// - Parameters:
///   - model: the model to train: token windows in, logits out.
///   - optimizer: the optimizer over the model's parameters; the only way
///     the parameters are moved and the gradients cleared.
///   - microBatches: the padded micro-batches, in order.
///   - accumulationSteps: micro-batches per optimizer step; at least 1.
///   - lossFunction: the summed token loss with its count of real tokens,
///     e.g. `{ try tokenCrossEntropy($0, $1) }`.
/// - Returns: one loss per optimizer step: the window's mean loss over its
///   real tokens (what `trainOnWholeTokenBatch` would report).
/// - Throws: `WorkbookError.invalidArgument(function:
///   "trainWithTokenAccumulation", …)` if `accumulationSteps` < 1, before
///   anything is trained; what the model or the loss throw.
public func trainWithTokenAccumulation(
  model: any Module, optimizer: any Optimizer, microBatches: [TokenBatch], accumulationSteps: Int,
  lossFunction: TokenLossFunction
) throws -> [Double] {
  // TODO(ex6): count each window's real tokens first; weight every summed loss by 1/N.
  throw WorkbookError.notImplemented(exercise: 6, function: "trainWithTokenAccumulation")
}

/// Trains `workers` as `DistributedDataParallel` trains with gradient
/// accumulation, simulated in one process: each worker accumulates its own
/// micro-batches, the gradients are all-reduced once per optimizer step,
/// after the window's last micro-step (DDP's `no_sync` on every other
/// micro-step), and every worker then steps its own optimizer with the
/// same gradient, so the replicas stay identical.
///
/// Micro-step j of a window is micro-batch j of every worker; a window is
/// `accumulationSteps` consecutive micro-steps, the last one possibly
/// shorter. Each step must equal `trainOnWholeTokenBatch` on the window's
/// sequences of *all* workers padded into one batch: every real token of
/// every worker counts once. A worker reads only its own micro-batches and
/// replica; the window's token count over all workers comes from one
/// `processGroup.allReduce` of the workers' own counts (Transformers'
/// `average_tokens_across_devices`). Per optimizer step the workers
/// communicate exactly twice: that count, and one
/// `processGroup.allReduce(gradientsOf:op:)`. Mind what the op does: DDP's
/// is `.average`, which divides the sum by the world size. Gradients
/// already in `.grad` when it is called must not reach any step.
///
/// See `DistributedDataParallel.no_sync` in torch/nn/parallel/distributed.py,
/// and in src/transformers/trainer.py the Trainer's `no_sync` on all but a
/// window's last batch, `average_tokens_across_devices` in
/// `get_batch_samples` and `loss *= self.accelerator.num_processes` in
/// `compute_loss`.
///
/// - Parameters:
///   - workers: the workers, `workers[rank]`, each with the same number of
///     micro-batches and replicas that start equal.
///   - accumulationSteps: micro-steps per optimizer step; at least 1.
///   - lossFunction: the summed token loss with its count of real tokens.
///   - processGroup: the workers' collectives, with `worldSize` equal to
///     the number of workers.
/// - Throws: `WorkbookError.invalidArgument(function: "trainDataParallel",
///   …)` if `accumulationSteps` < 1, there are no workers, their numbers of
///   micro-batches differ or the group's world size is not theirs, before
///   anything is trained; what the model, the loss or the group throw.
public func trainDataParallel(
  workers: [Worker], accumulationSteps: Int, lossFunction: TokenLossFunction, processGroup: ProcessGroup
) throws {
  // TODO(ex6): all-reduce the token count and, once per step, the gradients.
  throw WorkbookError.notImplemented(exercise: 6, function: "trainDataParallel")
}

/// Clips gradients that are spread over workers to a global norm of
/// `maxNorm`, exactly as `clip_grad_norm_` would clip them if they were all
/// in one place, and returns that global norm, before clipping.
///
/// Worker `rank` holds the gradients of `sharded[rank]`, parameters only it
/// holds (FSDP and ZeRO split a model into such shards), and of
/// `replicated[rank]`, parameters every worker holds whole, with the same
/// gradient on every worker. The global norm counts every entry of the
/// model once: the squares of each worker's own shard, added up over the
/// workers with one `processGroup.allReduce`, plus the squares of the
/// replicated parameters once, then the square root. Every gradient, of
/// the shards and of every worker's replicated copy, is then multiplied by
/// exercise 1's factor, `min(1, maxNorm / (norm + 1e-6))`. The workers
/// communicate once: that one number.
///
/// See `FullyShardedDataParallel.clip_grad_norm_` in
/// torch/distributed/fsdp/fully_sharded_data_parallel.py, which all-reduces
/// the shards' norms to the power p and adds the non-sharded ones after.
///
/// - Parameters:
///   - sharded: each worker's own parameters, `sharded[rank]`.
///   - replicated: each worker's copy of the replicated parameters,
///     `replicated[rank]`, in the same order on every worker.
///   - maxNorm: the threshold; ≥ 0.
///   - processGroup: the workers' collectives.
/// - Returns: the global L2 norm of all the gradients, before clipping.
/// - Throws: `WorkbookError.invalidArgument(function:
///   "clipGradNormAcrossWorkers", …)` if `maxNorm` < 0 or the lists do not
///   have one entry per worker, before any gradient changes; what the
///   group throws.
public func clipGradNormAcrossWorkers(
  sharded: [[Tensor]], replicated: [[Tensor]], maxNorm: Double, processGroup: ProcessGroup
) throws -> Double {
  // TODO(ex6): all-reduce the workers' sums of squares once; count replicas once.
  throw WorkbookError.notImplemented(exercise: 6, function: "clipGradNormAcrossWorkers")
}

/// Clips every gradient entry of every worker into
/// [-`clipValue`, `clipValue`], as `clip_grad_value_` would on all the
/// gradients in one place, without any communication: each entry is
/// clamped on its own, so no worker needs another worker's numbers.
///
/// - Parameters:
///   - sharded: each worker's own parameters, `sharded[rank]`.
///   - replicated: each worker's copy of the replicated parameters.
///   - clipValue: the largest magnitude an entry keeps; ≥ 0. NaN stays NaN.
///   - processGroup: the workers' collectives (not needed here).
/// - Throws: `WorkbookError.invalidArgument(function:
///   "clipGradValueAcrossWorkers", …)` if `clipValue` < 0 or the lists do
///   not have one entry per worker, before any gradient changes.
public func clipGradValueAcrossWorkers(
  sharded: [[Tensor]], replicated: [[Tensor]], clipValue: Double, processGroup: ProcessGroup
) throws {
  // TODO(ex6): clamp every entry of every worker; no communication needed.
  throw WorkbookError.notImplemented(exercise: 6, function: "clipGradValueAcrossWorkers")
}
