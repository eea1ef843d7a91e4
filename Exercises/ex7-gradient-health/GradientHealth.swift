// Exercise 7, an optional lab: gradient health
//
// A training run that goes wrong rarely says where. The loss is 2.3, then
// 357, then NaN, and the one number most loops log, the global gradient
// norm, is one number for a whole model. This lab builds the tools that
// look inside: a report per named parameter (its gradient norm, its
// weight norm, how far the step moved it, and how many of its gradient's
// entries are NaN or infinite), with the model's norm before and after
// clipping and the first parameter, in backward order, whose gradient
// went bad. Then two ways to keep gradients healthy that look at each
// layer on its own: adaptive gradient clipping (AGC, from the NFNets
// paper; optax's `adaptive_grad_clip`), which caps each output unit's
// gradient relative to that unit's weights, and gradient centralization
// (Yong et al., 2020; optax's `centralize`), which removes each output
// unit's mean gradient.
//
// A Linear weight here is stored [in, out], the transpose of PyTorch's
// [out, in] (and the layout of JAX and optax): one output unit's weights
// are a column of it.
//
// The guide, README.md beside this file, explains each part;
// `swift run workbook hint ex7` gives hints.
//
// Grade this exercise:  swift test --filter Exercise7
// See it work:          swift run workbook run ex7

import Autograd
import Contract
import Datasets
import Foundation

// MARK: - Example

/// A copy of every parameter's gradient: nil for a parameter without one.
///
/// Clipping and centralization change `.grad` in place, so a report that
/// must say what the gradient was *before* them has to copy it first. The
/// copy is an array of numbers, not the tensor: `Tensor` is a class, and
/// keeping `p.grad` itself would keep a reference that clipping changes.
///
///     let before = gradientSnapshot(model.parameters())
///     try clipGradients(model.parameters())  // .grad changes, `before` not
///
/// - Parameter parameters: the tensors whose gradients to copy.
/// - Returns: one entry per parameter, in the same order.
public func gradientSnapshot(_ parameters: [Tensor]) -> [[Double]?] {
  parameters.map { $0.grad?.data }
}

// MARK: - To implement

/// Adaptive gradient clipping, unit-wise: optax's `adaptive_grad_clip`
/// and the NFNets paper's AGC (Brock et al., 2021).
///
/// Each parameter is cut into *units*: a parameter of two dimensions (a
/// Linear weight, [in, out]) has one unit per output, a column; a
/// parameter of one dimension (a bias) is one unit, the whole vector, as
/// optax treats it. For every unit, with ‖G‖ the L2 norm of its gradient
/// and ‖W‖ that of its values:
///
///     maximum = clipping × max(‖W‖, eps)
///     if ‖G‖ > maximum:  G ← G × maximum / ‖G‖
///
/// A unit whose gradient is at or below its maximum is left exactly as it
/// was. `eps` keeps the maximum above 0 for a unit whose weights are all
/// zero (a zero-initialised bias), so that it can still train.
///
/// For a weight with columns `[3, 4]` and `[0.3, 0.4]` (norms 5 and 0.5),
/// gradient columns `[0, 0.4]` and `[0, 1]` and `clipping` 0.1, the first
/// column's maximum is 0.5, so its gradient stays `[0, 0.4]`; the second's
/// is 0.05, so its gradient becomes `[0, 0.05]`.
///
/// Leave out whatever should not be clipped: NFNets do not clip the final
/// layer, so a caller passes the parameters without it.
///
/// - Parameters:
///   - parameters: the tensors whose gradients are clipped in place; those
///     without a gradient are skipped.
///   - clipping: the largest ratio ‖G‖ / ‖W‖ allowed per unit, ≥ 0 (NFNets
///     use 0.01 to 0.16; 0 zeroes every gradient).
///   - eps: the smallest ‖W‖ a unit is taken to have, ≥ 0.
/// - Throws: `WorkbookError.invalidArgument(function: "adaptiveGradClip",
///   …)` if `clipping` or `eps` is negative or NaN, before any gradient is
///   changed.
public func adaptiveGradClip(_ parameters: [Tensor], clipping: Double, eps: Double = 1e-3) throws {
  // TODO(ex7): cap each output unit's gradient at clipping × max(‖W‖, eps).
  throw WorkbookError.notImplemented(exercise: 7, function: "adaptiveGradClip")
}

/// Gradient centralization (Yong et al., 2020; optax's `centralize`):
/// from each gradient of two or more dimensions, subtract its mean over
/// every dimension but the output one, in place.
///
/// For a Linear weight, [in, out], that is one mean per output unit, the
/// mean of the gradient's column, subtracted from that column; afterwards
/// every column's gradient sums to 0. A gradient of one dimension (a bias)
/// is left alone: it has nothing but the output dimension.
///
/// For a weight gradient with rows `[1, 2]` and `[3, 6]` (columns `[1, 3]`
/// and `[2, 6]`, means 2 and 4) the result has rows `[-1, -2]` and `[1, 2]`.
///
/// - Parameter parameters: the tensors whose gradients are centralized in
///   place; those without a gradient, and those of one dimension, are left
///   as they are.
/// - Throws: nothing in the reference; the stub throws `notImplemented`.
public func centralizeGradients(_ parameters: [Tensor]) throws {
  // TODO(ex7): subtract each output unit's mean from the weight gradients.
  throw WorkbookError.notImplemented(exercise: 7, function: "centralizeGradients")
}

/// A report on every named parameter after one optimizer step: seed 002's
/// `check_gradients`, done properly.
///
/// Call it after `optimizer.step()`, with copies taken on the way: the
/// gradients before clipping (`gradientSnapshot`), and the values before
/// the step. By then `.grad` holds the gradient after clipping and `.data`
/// the values after the step. For each parameter, in the order given:
///
/// - `gradNorm`: the L2 norm of its gradient *before* clipping (0 for none);
/// - `paramNorm`: the L2 norm of its values before the step;
/// - `updateRatio`: ‖after − before‖ / ‖before‖ of its values (0 when it did
///   not move, `.infinity` when it moved from all zeros);
/// - `nonFinite`: how many entries of its gradient before clipping are NaN,
///   +inf or -inf.
///
/// Over the model: `globalNormBefore` and `globalNormAfter`, the L2 norms
/// of all gradients laid end to end before and after clipping (as
/// `gradNorm` of exercise 1: a NaN anywhere makes them NaN), and
/// `firstNonFinite`, the name of the first parameter whose gradient before
/// clipping has a non-finite entry, searched in *backward order*: from the
/// last parameter to the first, the order in which `backward()` reaches
/// the layers of an MLP, from the loss to the input.
///
/// - Parameters:
///   - namedParameters: the model's `namedParameters()`, after the step.
///   - gradientsBefore: each parameter's gradient before clipping, in the
///     same order (nil for none).
///   - valuesBefore: each parameter's values before the step.
/// - Returns: the report.
/// - Throws: `WorkbookError.invalidArgument(function: "gradientReport", …)`
///   if `gradientsBefore` or `valuesBefore` does not have one entry per
///   parameter.
public func gradientReport(
  _ namedParameters: [(name: String, tensor: Tensor)], gradientsBefore: [[Double]?], valuesBefore: [[Double]]
) throws -> GradientReport {
  // TODO(ex7): a ParameterHealth per parameter, both global norms, the first NaN.
  throw WorkbookError.notImplemented(exercise: 7, function: "gradientReport")
}

/// One training step with the gradient-health tools, returning its report.
///
/// The step of exercise 1, with two additions in the one place where they
/// make sense, after `backward()` and before `step()`:
///
/// 1. `optimizer.zeroGrad()`, the forward pass and the loss, `backward()`;
/// 2. if `centralize`, `centralizeGradients` on every parameter: the
///    *gradient* is centralized, before the optimizer turns it into an
///    update;
/// 3. copy the gradients (`gradientSnapshot`): this is "before clipping";
/// 4. `clipGradients` on every parameter (the caller chooses how: by the
///    global norm, adaptively without the final layer, or not at all);
/// 5. copy the values, `optimizer.step()`;
/// 6. `gradientReport` with the two copies.
///
/// - Parameters:
///   - model: the model to train.
///   - optimizer: the optimizer over the model's parameters.
///   - batch: this step's inputs and targets.
///   - lossFunction: returns the batch's mean loss.
///   - centralize: whether to centralize the gradients first.
///   - clipGradients: clips the gradients of the parameters it is given,
///     in place.
/// - Returns: the step's report.
/// - Throws: what the model, the loss, `clipGradients` and your functions
///   throw.
public func trainStepWithReport(
  model: any Module, optimizer: any Optimizer, batch: Batch, lossFunction: LossFunction, centralize: Bool,
  clipGradients: ([Tensor]) throws -> Void
) throws -> GradientReport {
  // TODO(ex7): zero, forward, backward, centralize, copy, clip, copy, step, report.
  throw WorkbookError.notImplemented(exercise: 7, function: "trainStepWithReport")
}
