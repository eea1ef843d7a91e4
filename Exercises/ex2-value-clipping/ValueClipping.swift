// Exercise 2: gradient clipping by value
//
// Clipping by value is the blunt cousin of clipping by norm: every single
// gradient entry is clamped into [-clipValue, clipValue] on its own. It is
// simple and puts a hard bound on each entry, but because each entry is cut
// independently, the clipped gradient can point in a different direction
// from the original one. Norm clipping never does that.
//
// You will write `clipGradValue` (PyTorch's `clip_grad_value_`), a training
// step that uses it, and a small 2-D experiment that shows the difference
// between the two kinds of clipping in numbers. The guide, README.md beside
// this file, explains each step; `swift run workbook hint ex2` gives hints.
//
// Grade this exercise:  swift test --filter Exercise2
// See it work:          swift run workbook run ex2

import Autograd
import Contract
import Datasets
import Foundation

// MARK: - Example

/// The Euclidean length of a vector, √(Σ vᵢ²). The 2-D experiment below
/// needs it for both the length and the angle.
public func length(_ vector: [Double]) -> Double {
  vector.reduce(0) { $0 + $1 * $1 }.squareRoot()
}

// MARK: - To implement

/// Clamps every gradient entry into [-clipValue, clipValue], in place, like
/// PyTorch's `torch.nn.utils.clip_grad_value_`.
///
/// Parameters whose `grad` is `nil` are skipped. An entry at exactly ±clipValue
/// stays as it is; ±infinity becomes ±clipValue; NaN stays NaN. With
/// `clipValue` 1, a gradient `[3, -0.5, -4]` becomes `[1, -0.5, -1]`.
///
/// - Parameters:
///   - parameters: the tensors whose gradients are clipped.
///   - clipValue: the largest |entry| allowed; must be ≥ 0 (0 is valid:
///     every entry becomes 0, NaN stays NaN).
/// - Throws: `WorkbookError.invalidArgument(function: "clipGradValue", …)`
///   for a negative `clipValue`.
public func clipGradValue(_ parameters: [Tensor], clipValue: Double) throws {
  // TODO(ex2): clamp each gradient entry on its own.
  throw WorkbookError.notImplemented(exercise: 2, function: "clipGradValue")
}

/// One training step with gradient clipping by value.
///
/// Exercise 1's training step, with the gradient clamped by `clipGradValue`
/// instead of clipped by norm, at the same moment: after this batch's
/// gradient exists and before the optimizer uses it.
///
/// - Parameters:
///   - model: the model to train.
///   - optimizer: the optimizer over the model's parameters.
///   - batch: this step's inputs and targets.
///   - lossFunction: returns the batch's mean loss.
///   - clipValue: the threshold, passed to `clipGradValue`.
/// - Returns: the batch's loss, before the step.
/// - Throws: what the model, the loss or `clipGradValue` throw.
public func trainStep(
  model: any Module, optimizer: any Optimizer, batch: Batch, lossFunction: LossFunction, clipValue: Double
) throws -> Double {
  // TODO(ex2): zero the gradients, forward, backward, clip by value, step.
  throw WorkbookError.notImplemented(exercise: 2, function: "trainStep")
}

/// Clips one 2-D vector both ways and reports what each did to its
/// direction: the exercise's Challenge, in numbers. `ClipComparison`
/// (in the engine, beside `StepRecord`) holds the vectors and the angles.
///
/// By norm, both entries are multiplied by exercise 1's factor,
/// `min(1, maxNorm / (length(vector) + 1e-6))`; by value, each is clamped
/// into [-clipValue, clipValue]. Each angle is the one between the original
/// and a clipped copy, in degrees; 0 when either has length 0. For `[3, 4]`
/// with both thresholds 1: `[0.6, 0.8]` at 0° and `[1, 1]` at about 8.13°.
///
/// - Parameters:
///   - vector: exactly two numbers, e.g. `[3, 4]`; not changed.
///   - maxNorm: the norm threshold, ≥ 0.
///   - clipValue: the value threshold, ≥ 0.
/// - Returns: the original vector, both clipped copies and both angles.
/// - Throws: `WorkbookError.invalidArgument(function: "compareClipping", …)`
///   if `vector` does not have two entries or a threshold is negative.
public func compareClipping(_ vector: [Double], maxNorm: Double, clipValue: Double) throws -> ClipComparison {
  // TODO(ex2): clip a copy each way, then measure the angles.
  throw WorkbookError.notImplemented(exercise: 2, function: "compareClipping")
}
