import Harness
import Judge
import WorkbookKit

extension Hints {
  // MARK: - Exercise 7 (the gradient-health lab)

  // adaptiveGradClip, centralizeGradients, gradientReport,
  // trainStepWithReport: the order of the TODOs.
  static let gradientHealth: [HintGroup] = [
    HintGroup(
      "adaptiveGradClip",
      [
      """
      adaptiveGradClip: first find the units. A weight is [in, out] and an \
      output unit is a column: its entries are j, j + out, j + 2·out, … of \
      .data. A bias (one dimension) is a single unit, the whole vector. Use \
      the same indices in the unwrapped p.grad's data and in p.data.
      """,
      """
      adaptiveGradClip, per unit: ‖G‖ from the gradient's entries, ‖W‖ from \
      the values', maximum = clipping * max(‖W‖, eps). Only when ‖G‖ is above \
      the maximum, multiply the unit's gradient entries by maximum / ‖G‖; \
      leave the others exactly alone. Throw invalidArgument first for a \
      negative (or NaN) clipping or eps.
      """,
      ]),
    HintGroup(
      "centralizeGradients",
      [
      """
      centralizeGradients: only parameters with two or more dimensions (and a \
      gradient). Same columns as AGC: for each column, the mean of its \
      gradient entries (sum / rows), subtracted from each of them. Biases stay \
      as they are. Check: rows [1, 2] and [3, 6] become [-1, -2] and [1, 2].
      """,
      ]),
    HintGroup(
      "gradientReport",
      [
      """
      gradientReport: one ParameterHealth per named parameter, in order. \
      gradNorm and nonFinite come from gradientsBefore (nil: 0), not from \
      .grad, which is after clipping by now; paramNorm from valuesBefore; \
      updateRatio is ‖tensor.data − valuesBefore‖ / ‖valuesBefore‖, 0 if it \
      did not move.
      """,
      """
      gradientReport, the model's numbers: globalNormBefore from all of \
      gradientsBefore, globalNormAfter from every tensor's .grad now. Count \
      with !isFinite: NaN fails every comparison, so abs(g) > something and \
      Swift's max/min miss it. firstNonFinite: walk the entries from the last \
      to the first (reversed()).
      """,
      ]),
    HintGroup(
      "trainStepWithReport",
      [
      """
      trainStepWithReport is exercise 1's trainStep with three additions \
      between backward() and step(): centralize (if asked), then \
      gradientSnapshot, then clipGradients. Copy the values just before \
      step(), and hand both copies to gradientReport after it.
      """,
      ]),
  ]
}
