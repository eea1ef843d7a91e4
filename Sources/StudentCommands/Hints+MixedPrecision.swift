import Harness
import Judge
import WorkbookKit
extension Hints {
  // MARK: - Exercise 5 (the capstone)

  // unscaleGradients, updateScale, trainWithMixedPrecision: the order of
  // the TODOs, one step closer each time.
  static let mixedPrecision: [HintGroup] = [
    HintGroup(
      "unscaleGradients",
      [
      """
      unscaleGradients: the scaled loss made every gradient `scale` times too \
      large. Undo that in place, skipping parameters without a grad, and look \
      at every entry on the way: is it still a finite number?
      """,
      ]),
    HintGroup(
      "updateScale",
      [
      """
      updateScale has two cases. An overflow: multiply the scale by \
      backoffFactor and start the growth tracker again at 0. A clean step: one \
      more on the tracker; at growthInterval, multiply by growthFactor, reset.
      """,
      ]),
    HintGroup(
      "trainWithMixedPrecision",
      [
      """
      trainWithMixedPrecision starts as exercise 4's loop. What goes into \
      backward() changes: the weighted loss times the window's scale (read \
      lossScale.scale once per window, before its first micro-batch).
      """,
      """
      After the window's last backward(): unscale once and keep its answer; \
      then clip with the true maxNorm. In the other order clipping compares \
      maxNorm with gradients that are still `scale` times too large.
      """,
      """
      Step only if unscaling found no inf or NaN. Either way: updateScale once \
      for the window, zeroGrad(), and scheduler.step() only if the optimizer \
      really stepped (a skipped window made no update to count).
      """,
      """
      The record: the window's unscaled mean loss (weights nᵢ/N, as in \
      exercise 3), the norm clipGradNorm returned (inf or NaN on an overflow \
      window), whether it stepped, and the scale its losses were multiplied by.
      """,
      ]),
  ]
}
