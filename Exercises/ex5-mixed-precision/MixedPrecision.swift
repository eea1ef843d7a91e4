// Exercise 5, the optional capstone: mixed precision with a dynamic loss
// scaler, accumulation and clipping in one loop
//
// Half precision (float16) keeps 10 bits of mantissa and 5 of exponent:
// nothing above 65504 fits, and the smallest value it holds is 2⁻²⁴ ≈
// 5.96e-8 (anything below 2⁻²⁵ ≈ 2.98e-8 rounds to 0). Late in training
// many gradient entries are smaller than that, and in a float16 backward
// pass they silently become 0. Mixed precision multiplies the loss by a
// large scale before backward(), so the gradients are scaled too and
// survive; before the optimizer uses them they are divided by the scale
// again ("unscaled"). If the scale was too large, some gradient overflowed
// to infinity: that step is skipped and the scale halved. After many clean
// steps it doubles.
//
// This is the loop of real training code: PyTorch's GradScaler with AdamW,
// a warmup schedule, accumulation (exercise 3) and clipping (exercise 4).
// The guide, README.md beside this file, explains each part;
// `swift run workbook hint ex5` gives hints.
//
// Grade this exercise:  swift test --filter Exercise5
// See it work:          swift run workbook run ex5

import Autograd
import Contract
import Datasets

// MARK: - To implement

/// Divides every gradient of `parameters` by `scale`, in place, and says
/// whether any entry is infinite or NaN: PyTorch's `GradScaler.unscale_`.
///
/// Call it once per optimizer step, after the window's last `backward()`
/// and before clipping, so clipping sees the true gradient. The answer
/// comes from the gradients themselves, every entry of every parameter:
/// a finite loss can still give gradients that overflowed.
///
/// For example, with `scale` 1024 a gradient `[2048, -512]` becomes
/// `[2, -0.5]` and the result is false; `[.infinity, 4]` becomes
/// `[.infinity, 0.00390625]` and the result is true.
///
/// - Parameters:
///   - parameters: the parameters whose `.grad` to unscale; those without
///     a gradient are skipped (and keep none).
///   - scale: what the losses were multiplied by; finite and > 0.
/// - Returns: true if any gradient entry is infinite or NaN ("found inf").
/// - Throws: `WorkbookError.invalidArgument` if `scale` is not finite and
///   positive.
public func unscaleGradients(_ parameters: [Tensor], scale: Double) throws -> Bool {
  // TODO(ex5): divide every gradient by the scale; report any inf or NaN.
  throw WorkbookError.notImplemented(exercise: 5, function: "unscaleGradients")
}

/// Adjusts the loss scale after one optimizer step, taken or skipped:
/// PyTorch's `GradScaler.update`.
///
/// On an overflow the scale is multiplied by `backoffFactor` and the
/// tracker starts again from 0. Otherwise the tracker counts one more clean
/// step; when it reaches `growthInterval`, the scale is multiplied by
/// `growthFactor` and the tracker starts again from 0.
///
/// For example, with `growthInterval` 2 from scale 256 and tracker 0, clean
/// steps give (256, 1), (512, 0), (512, 1), (1024, 0); an overflow then
/// gives (512, 0).
///
/// - Parameters:
///   - lossScale: the scaler's state; `scale` and `growthTracker` change,
///     the factors and the interval do not.
///   - foundInf: what `unscaleGradients` returned for this step.
/// - Throws: `WorkbookError.invalidArgument` if the scale is not finite and
///   positive.
public func updateScale(_ lossScale: inout LossScale, foundInf: Bool) throws {
  // TODO(ex5): back off on an overflow, grow after growthInterval clean steps.
  throw WorkbookError.notImplemented(exercise: 5, function: "updateScale")
}

/// Trains with gradient accumulation, clipping and a dynamic loss scale.
///
/// Per window of `accumulationSteps` micro-batches (the last may be
/// shorter), as in exercises 3 and 4: every micro-batch's mean loss, times
/// its share of the window's samples, times the window's scale, goes to
/// `backward()`, one call per micro-batch, in order. The window's scale is
/// `lossScale.scale` as it is before the window's first micro-batch. Then,
/// once: unscale the gradients, clip them to `maxNorm` with `clipGradNorm`,
/// and take the optimizer step, unless the unscaling found an overflow, in
/// which case the step is skipped (parameters and optimizer state
/// untouched). Then update the scale, zero the gradients, and step the
/// warmup schedule, but only if the optimizer stepped: the schedule counts
/// updates, and a skipped window made none.
///
/// The graders and the demo call this inside `autocast { }`, as PyTorch
/// runs a model under `torch.autocast`: matmuls and linear layers compute
/// in float16 (or bfloat16), and so do their backward passes, where small
/// gradients round to 0 and large ones to infinity; `.grad` itself adds up
/// in float32 (Double here). The function needs no `autocast` of its own.
/// Zero the gradients before the first window too.
///
/// - Parameters:
///   - model: the model to train.
///   - optimizer: the optimizer over the model's parameters (AdamW).
///   - scheduler: the warmup schedule over `optimizer`.
///   - microBatches: the micro-batches, in order.
///   - accumulationSteps: micro-batches per optimizer step; at least 1.
///   - lossFunction: returns the mean loss of the batch it is given.
///   - maxNorm: the clipping threshold for the unscaled gradient; ≥ 0.
///   - lossScale: the scaler's state, updated once per window by the
///     rule of `updateScale`.
///   - clipGradNorm: the clipping to call, once per window, like exercise
///     1's: `try clipGradNorm(model.parameters(), maxNorm: maxNorm)`.
/// - Returns: one record per window: its mean loss (unscaled, weighted by
///   `nᵢ / N` as in exercise 3), the norm `clipGradNorm` returned (of the
///   unscaled gradient before clipping; inf or NaN on an overflow window),
///   whether it stepped, and the scale its losses were multiplied by.
/// - Throws: `WorkbookError.invalidArgument` if `accumulationSteps` < 1 or
///   `maxNorm` < 0, before anything is trained; what the model, the loss or
///   `clipGradNorm` throw.
public func trainWithMixedPrecision(
  model: any Module, optimizer: any Optimizer, scheduler: LinearWarmup, microBatches: [Batch],
  accumulationSteps: Int, lossFunction: LossFunction, maxNorm: Double, lossScale: inout LossScale,
  clipGradNorm: GradNormClipper
) throws -> [MixedPrecisionRecord] {
  // TODO(ex5): scale, accumulate, unscale once, clip, step or skip, update.
  throw WorkbookError.notImplemented(exercise: 5, function: "trainWithMixedPrecision")
}
