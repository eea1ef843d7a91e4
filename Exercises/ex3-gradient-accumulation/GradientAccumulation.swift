// Exercise 3: gradient accumulation with loss scaling
//
// A large batch gives a steadier gradient, but the forward pass has to keep
// every intermediate result until backward() has used it, and that memory
// grows with the batch. Gradient accumulation trains on the large batch
// without holding it all at once: run several small micro-batches one after
// another, let backward() add their gradients up in `.grad`, and take one
// optimizer step at the end.
//
// Done right, the step is *exactly* the step one large batch would take.
// Two details decide whether it is: when the gradients are zeroed and
// stepped, and how each micro-batch's loss is scaled before backward().
//
// The guide, README.md beside this file, explains each step;
// `swift run workbook hint ex3` gives hints.
//
// Grade this exercise:  swift test --filter Exercise3
// See it work:          swift run workbook run ex3

import Autograd
import Contract
import Datasets

// MARK: - Example

/// The large-batch step that accumulation must reproduce: one forward and
/// one backward pass over the whole batch, then one step.
///
/// - Returns: the batch's mean loss, before the step.
public func trainOnWholeBatch(
  model: any Module, optimizer: any Optimizer, batch: Batch, lossFunction: LossFunction
) throws -> Double {
  optimizer.zeroGrad()
  let loss = try lossFunction(model(batch.inputs), batch.targets)
  try loss.backward()
  optimizer.step()
  return loss.item()
}

// MARK: - To implement

/// Trains on `microBatches`, taking one optimizer step per window of
/// `accumulationSteps` consecutive micro-batches.
///
/// Each step must equal the step `trainOnWholeBatch` would take on the
/// window's micro-batches joined into one batch: every sample counts as
/// much as it would there, also when micro-batches have different sizes.
/// When the micro-batches do not fill whole windows, the last, shorter
/// window is still trained on. `lossFunction` returns the mean loss of the
/// batch it is given. Gradients already in `.grad` when it is called belong
/// to no window and must not reach any step.
///
/// With 10 micro-batches and `accumulationSteps` 4, the steps come after
/// micro-batches 4, 8 and 10, and three losses are returned.
///
/// - Parameters:
///   - model: the model to train.
///   - optimizer: the optimizer over the model's parameters; the only way
///     the parameters are moved and the gradients cleared.
///   - microBatches: the micro-batches, in order.
///   - accumulationSteps: micro-batches per optimizer step; at least 1.
///   - lossFunction: e.g. `{ try mse($0, $1) }`.
/// - Returns: one loss per optimizer step: the window's mean loss over its
///   samples (what the whole-batch step would report).
/// - Throws: `WorkbookError.invalidArgument(function: "trainWithAccumulation",
///   …)` if `accumulationSteps` < 1; what the model or the loss throw.
public func trainWithAccumulation(
  model: any Module, optimizer: any Optimizer, microBatches: [Batch],
  accumulationSteps: Int, lossFunction: LossFunction
) throws -> [Double] {
  // TODO(ex3): scale each micro-batch loss before backward(); step once per window.
  throw WorkbookError.notImplemented(exercise: 3, function: "trainWithAccumulation")
}
