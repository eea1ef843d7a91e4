// Exercise 1: gradient clipping by norm
//
// Now and then a batch produces a gradient hundreds of times larger than
// usual: in a recurrent network, backpropagation through time multiplies the
// gradient by the recurrent weights once per step, and a gain a little above
// 1 becomes enormous after fifty steps. One such step can throw the weights
// so far that the loss turns into NaN.
//
// Clipping by norm caps the length of the gradient before the optimizer uses
// it. "The gradient" here means every parameter's gradient taken together,
// as if laid end to end in one long vector. If that vector is longer than
// `maxNorm`, every entry is scaled by the same factor, so the direction of
// the step is kept and only its length shrinks.
//
// You will write the three pieces PyTorch users call every day:
// `gradNorm`, `clipGradNorm` (PyTorch's `clip_grad_norm_`) and a training
// step that clips at the right moment. The guide, README.md beside this
// file, walks through each step; `swift run workbook hint ex1` gives hints.
//
// Grade this exercise:  swift test --filter Exercise1
// See it work:          swift run workbook run ex1

import Autograd
import Contract
import Datasets
import Foundation

// MARK: - Example

/// One ordinary training step, without clipping: the loop every exercise
/// builds on.
///
/// `zeroGrad()` first, because `backward()` adds into `.grad`; then the
/// forward pass, the loss, `backward()` to fill every parameter's `.grad`,
/// and `step()` to move the parameters against it.
///
/// - Returns: the loss of this batch, before the step.
public func trainStepWithoutClipping(
  model: any Module, optimizer: any Optimizer, batch: Batch, lossFunction: LossFunction
) throws -> Double {
  optimizer.zeroGrad()
  let loss = try lossFunction(model(batch.inputs), batch.targets)
  try loss.backward()
  optimizer.step()
  return loss.item()
}

// MARK: - To implement

/// The norm of all the gradients together, as if every parameter's `.grad`
/// were laid end to end in one vector.
///
/// Parameters whose `grad` is `nil` take no part (PyTorch skips them too).
/// With no gradients at all, the norm is 0. A NaN entry makes the norm NaN,
/// and an infinite one makes it infinite (or NaN, if there is also a NaN).
///
/// For gradients `[3, 4]`, none and `[12]`: 13 for `normType` 2, 12 for
/// `.infinity`, 19 for 1.
///
/// - Parameters:
///   - parameters: the tensors whose gradients are measured; not changed.
///   - normType: 2 for the Euclidean length √(Σ g²), `.infinity` for the
///     largest |g|, or any other p > 0 for (Σ |g|ᵖ)^(1/p).
/// - Returns: the total norm.
/// - Throws: `WorkbookError.invalidArgument(function: "gradNorm", …)` if
///   `normType` is not positive.
public func gradNorm(_ parameters: [Tensor], normType: Double = 2) throws -> Double {
  // TODO(ex1): combine every parameter's gradient into one norm.
  throw WorkbookError.notImplemented(exercise: 1, function: "gradNorm")
}

/// Scales all gradients together so their total norm is at most `maxNorm`,
/// like PyTorch's `torch.nn.utils.clip_grad_norm_`.
///
/// Every gradient is multiplied by the same factor,
/// `min(1, maxNorm / (totalNorm + 1e-6))`, so the direction is kept. The
/// factor is applied whatever the norm, also when it is `maxNorm` or below.
/// For gradients `[3, 4]` and `[12]` (norm 13) and `maxNorm` 1, they become
/// about `[0.2308, 0.3077]` and `[0.9231]`, and the result is 13.
///
/// - Parameters:
///   - parameters: the tensors whose gradients are clipped in place.
///   - maxNorm: the largest total norm allowed; must be ≥ 0 (0 is valid,
///     as in PyTorch: every gradient becomes 0).
///   - normType: as in `gradNorm`.
///   - errorIfNonfinite: throw instead of clipping when the total norm is
///     NaN or infinite, leaving every gradient as it was. When false, the
///     gradients are scaled as usual: a NaN norm gives a NaN factor, so
///     every entry becomes NaN, as in PyTorch.
/// - Returns: the total norm *before* clipping, the number worth logging.
/// - Throws: `WorkbookError.invalidArgument` for a negative `maxNorm` or a
///   bad `normType`; `WorkbookError.nonFiniteNorm(function: "clipGradNorm",
///   norm:)` when asked to, before any gradient is changed.
@discardableResult
public func clipGradNorm(
  _ parameters: [Tensor], maxNorm: Double, normType: Double = 2, errorIfNonfinite: Bool = false
) throws -> Double {
  // TODO(ex1): measure the total norm, then scale every gradient by one factor.
  throw WorkbookError.notImplemented(exercise: 1, function: "clipGradNorm")
}

/// One training step with gradient clipping by norm.
///
/// Like `trainStepWithoutClipping`, with the gradient clipped to `maxNorm`
/// (by `clipGradNorm`, with its default `normType` 2) at the one moment it
/// makes sense: after this batch's gradient exists and before the optimizer
/// uses it.
///
/// - Parameters:
///   - model: the model to train.
///   - optimizer: the optimizer over the model's parameters.
///   - batch: this step's inputs and targets.
///   - lossFunction: returns the batch's mean loss.
///   - maxNorm: the clipping threshold, passed to `clipGradNorm`.
/// - Returns: the batch's loss (before the step) and the total gradient norm
///   before clipping, as `clipGradNorm` returned it.
/// - Throws: what the model, the loss or `clipGradNorm` throw.
public func trainStep(
  model: any Module, optimizer: any Optimizer, batch: Batch, lossFunction: LossFunction, maxNorm: Double
) throws -> StepRecord {
  // TODO(ex1): zero the gradients, forward, backward, clip, step.
  throw WorkbookError.notImplemented(exercise: 1, function: "trainStep")
}
