import Grading

/// The hints that `workbook hint exN` prints, one more each time it is run.
///
/// Hints live here rather than in the exercise files, as rustlings keeps
/// them in `info.toml`: a student who opens an exercise sees the problem and
/// the contract, and gets help only when asking for it, one step at a time.
/// Each exercise's hints go from a gentle nudge to nearly the answer: the
/// last one shows the shape of the code without being the code. The guide
/// beside each exercise (README.md) explains the why at length; a hint is a
/// short push, plain text of at most three lines.
///
///     let first = Hints.hints(for: .ex3)[0]
public enum Hints {
  /// Hints for `exercise`, from a gentle nudge to nearly the answer.
  ///
  /// - Parameter exercise: the exercise to get hints for.
  /// - Returns: four to six hints, in the order they should be shown; each
  ///   is plain text (no ANSI codes) of at most three lines.
  public static func hints(for exercise: Exercise) -> [String] {
    switch exercise {
    case .ex1: return normClipping
    case .ex2: return valueClipping
    case .ex3: return accumulation
    case .ex4: return accumulationWithClipping
    case .ex5: return mixedPrecision
    }
  }

  // MARK: - Exercise 1

  static let normClipping = [
    """
    Start from the worked example, trainStepWithoutClipping: trainStep is
    those same lines plus one call to clipGradNorm. Where can that call go so
    that a gradient exists and step() has not used it yet?
    """,
    """
    gradNorm: treat all gradients as one long vector. Skip parameters whose
    grad is nil, add up g * g over every entry of every gradient, and take
    one square root at the very end (not one per parameter).
    """,
    """
    normType .infinity is the largest |g| (a NaN must make it NaN); any other
    p > 0 is pow(sum of pow(|g|, p), 1 / p), and pow needs import Foundation.
    normType <= 0 throws WorkbookError.invalidArgument.
    """,
    """
    clipGradNorm: one factor for every entry, min(1, maxNorm / (total + 1e-6)).
    Multiply always, with no "if total > maxNorm". Tensor is a class, so
    assigning to the unwrapped grad's data changes the gradient in place.
    """,
    """
    clipGradNorm, in order: check maxNorm >= 0; total = gradNorm(...); if
    errorIfNonfinite and total is not finite, throw nonFiniteNorm; scale
    every gradient; return total, the norm BEFORE clipping.
    """,
    """
    trainStep: zeroGrad(); loss from lossFunction(model(batch.inputs), ...);
    backward(); norm = clipGradNorm(model.parameters(), maxNorm: maxNorm);
    step(); return StepRecord(loss: loss.item(), gradNorm: norm).
    """,
  ]

  // MARK: - Exercise 2

  static let valueClipping = [
    """
    clipGradValue needs no norm at all: every gradient entry is clamped into
    [-clipValue, clipValue] on its own, without looking at the others.
    """,
    """
    Clamp both sides: min(max(v, -clipValue), clipValue). Test v.isNaN
    yourself and keep NaN as it is; +/-infinity then clamps to +/-clipValue.
    Skip nil grads; a negative clipValue throws invalidArgument.
    """,
    """
    trainStep has exercise 1's shape, with clipGradValue(model.parameters(),
    clipValue: clipValue) between backward() and step(). Return loss.item().
    """,
    """
    compareClipping: validate first (two entries, thresholds >= 0). By norm,
    multiply both entries by min(1, maxNorm / (length(vector) + 1e-6)); by
    value, clamp each entry. Then measure the two angles.
    """,
    """
    Angle between a and b: cos = (a[0] * b[0] + a[1] * b[1]) / (length(a) *
    length(b)), clamped to [-1, 1]; degrees = acos(cos) * 180 / .pi, or 0 if a
    length is 0. [3, 4] with both thresholds 1 gives 0 and about 8.13.
    """,
  ]

  // MARK: - Exercise 3

  static let accumulation = [
    """
    backward() adds into .grad and never overwrites. Several backward() calls
    with no zeroGrad() in between therefore add up: that sum is the large
    batch's gradient, once each loss is weighted correctly.
    """,
    """
    Shape: throw invalidArgument if accumulationSteps < 1; zeroGrad() once
    before everything; then per window: one backward() per micro-batch, then
    one step() and one zeroGrad().
    """,
    """
    Windows: stride(from: 0, to: microBatches.count, by: accumulationSteps),
    each slice ending at min(start + accumulationSteps, microBatches.count).
    The last window may be shorter; it still gets its step.
    """,
    """
    lossFunction returns a mean, so weight each micro-batch's loss by its
    share of the window before backward(): Double(batch.count) / Double(N),
    with N the number of samples in THIS window (1/k when sizes are equal).
    """,
    """
    Per micro-batch: loss = lossFunction(model(batch.inputs), batch.targets);
    try (loss * weight).backward(); windowLoss += loss.item() * weight.
    After the window: step(), zeroGrad(), append windowLoss to the result.
    """,
  ]

  // MARK: - Exercise 4

  static let accumulationWithClipping = [
    """
    This is exercise 3's loop plus one call to your exercise-1 clipGradNorm.
    The whole exercise is the question of where that call goes.
    """,
    """
    The large batch's gradient is complete only after the window's LAST
    backward(). Clipping earlier clips a partial sum, and the step no longer
    matches the large batch's clipped step.
    """,
    """
    Validate first, before any training: accumulationSteps >= 1 and
    maxNorm >= 0, otherwise throw WorkbookError.invalidArgument.
    """,
    """
    After the loop over a window's micro-batches: norm = clipGradNorm(
    model.parameters(), maxNorm: maxNorm); then step(); then zeroGrad().
    No clipping inside the loop over micro-batches.
    """,
    """
    Per window, append StepRecord(loss: windowLoss, gradNorm: norm): the
    weighted window loss as in exercise 3, and the norm clipGradNorm
    returned, which is the norm before clipping.
    """,
  ]
}
