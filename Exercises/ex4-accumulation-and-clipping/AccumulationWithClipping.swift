// Exercise 4: gradient accumulation plus clipping
//
// Real training loops do both: they accumulate gradients over micro-batches
// and clip before every step. The question is *when* to clip. The gradient
// that the large batch would have is only complete once the last
// micro-batch's backward() has run, so that is the gradient to clip, once,
// just before step(). Clipping anything earlier limits a partial sum, and
// the result is no longer the large-batch step.
//
// The loop is handed the clipping function to call, with the shape of
// exercise 1's `clipGradNorm`: the graders hand it a reference version, so
// this exercise is graded on its own logic alone, and the demo hands it
// yours when exercise 1 compiles. The guide, README.md beside this file,
// explains each step and shows with numbers what goes wrong when each
// micro-batch is clipped; `swift run workbook hint ex4` gives hints.
//
// Grade this exercise:  swift test --filter Exercise4
// See it work:          swift run workbook run ex4

import Autograd
import Contract
import Datasets

// MARK: - Example

/// The large-batch step with clipping that this exercise must reproduce.
///
/// - Returns: the batch's loss and the gradient norm before clipping.
public func trainOnWholeBatchWithClipping(
  model: any Module, optimizer: any Optimizer, batch: Batch, lossFunction: LossFunction, maxNorm: Double,
  clipGradNorm: GradNormClipper
) throws -> StepRecord {
  optimizer.zeroGrad()
  let loss = try lossFunction(model(batch.inputs), batch.targets)
  try loss.backward()
  let norm = try clipGradNorm(model.parameters(), maxNorm: maxNorm)
  optimizer.step()
  return StepRecord(loss: loss.item(), gradNorm: norm)
}

// MARK: - To implement

/// Trains on `microBatches` with gradient accumulation, clipping the
/// accumulated gradient to `maxNorm` before each optimizer step.
///
/// Each step must equal `trainOnWholeBatchWithClipping` on the window's
/// micro-batches joined into one batch, with the same rules as exercise 3
/// for unequal micro-batches and a last, shorter window: the window's whole
/// gradient is clipped, once, and nothing before it is complete. With 10
/// micro-batches and `accumulationSteps` 4, the gradient is clipped and
/// stepped after micro-batches 4, 8 and 10, and three records are returned.
///
/// - Parameters:
///   - model: the model to train.
///   - optimizer: the optimizer over the model's parameters.
///   - microBatches: the micro-batches, in order.
///   - accumulationSteps: micro-batches per optimizer step; at least 1.
///   - lossFunction: returns the mean loss of the batch it is given.
///   - maxNorm: the clipping threshold; must be ≥ 0.
///   - clipGradNorm: the clipping to call, once per optimizer step, like
///     exercise 1's: `try clipGradNorm(model.parameters(), maxNorm: maxNorm)`.
/// - Returns: one record per optimizer step: the window's mean loss and its
///   accumulated gradient's norm before clipping.
/// - Throws: `WorkbookError.invalidArgument(function:
///   "trainWithAccumulationAndClipping", …)` if `accumulationSteps` < 1 or
///   `maxNorm` < 0, before anything is trained; what the model, the loss or
///   `clipGradNorm` throw.
public func trainWithAccumulationAndClipping(
  model: any Module, optimizer: any Optimizer, microBatches: [Batch],
  accumulationSteps: Int, lossFunction: LossFunction, maxNorm: Double, clipGradNorm: GradNormClipper
) throws -> [StepRecord] {
  // TODO(ex4): accumulate as in exercise 3, then clip once, just before step().
  throw WorkbookError.notImplemented(exercise: 4, function: "trainWithAccumulationAndClipping")
}
