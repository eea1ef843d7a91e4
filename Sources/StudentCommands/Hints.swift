import Contract
import Harness
import WorkbookKit
import Judge

/// The hints that `workbook hint exN` prints, one more each time it is run.
///
/// Hints live here rather than in the exercise files, as rustlings keeps
/// them in `info.toml`: a student who opens an exercise sees the problem and
/// the contract, and gets help only when asking for it, one step at a time.
/// The guide beside each exercise (README.md) explains why and works the
/// arithmetic; the code-level steps are here.
///
/// They come in groups, one per function of the exercise, in the order of
/// its `TODO(exN)` markers. `workbook hint exN` starts with the function
/// whose check fails first in the student's code as it is now; within a
/// group they go from a nudge in the right direction to a strong pointer,
/// and the last one is never the code to paste. Once every check passes,
/// the hints turn to the exercise's Challenge: a prediction to make, then
/// the command that tests it.
///
/// Each hint is one paragraph of plain text (a trailing `\` in the literal
/// joins its lines), wrapped to the terminal when it is printed.
public enum Hints {
  /// The hint groups of `exercise`, in the order of its TODOs.
  public static func groups(for exercise: Exercise) -> [HintGroup] {
    switch exercise {
    case .ex1: return normClipping
    case .ex2: return valueClipping
    case .ex3: return accumulation
    case .ex4: return accumulationWithClipping
    case .ex5: return mixedPrecision
    case .ex6: return accumulationLimits
    case .ex7: return gradientHealth
    }
  }

  /// Every hint of `exercise`'s functions, in order.
  public static func hints(for exercise: Exercise) -> [String] { groups(for: exercise).flatMap(\.hints) }

  /// The group of `function`, matched without regard to case.
  public static func group(_ function: String, of exercise: Exercise) -> HintGroup? {
    groups(for: exercise).first { $0.function.lowercased() == function.lowercased() }
  }

  // MARK: - Exercise 1

  // gradNorm, clipGradNorm, trainStep: the order of the TODOs.
  static let normClipping: [HintGroup] = [
    HintGroup(
      "gradNorm",
      [
      """
      gradNorm: picture every parameter's gradient laid end to end as one \
      long vector. The result is the length of that one vector, not a norm \
      per parameter. Which parameters have nothing to add to it?
      """,
      """
      gradNorm with normType 2: one running sum of g * g over every entry of \
      every gradient (p.grad?.data; skip nil), and one square root after the \
      last parameter. Check: [3, 4], no gradient, [12] give 13, not 5 + 12.
      """,
      """
      gradNorm, the other normTypes, same loop: .infinity keeps the largest \
      abs(g) instead of a sum; any other p adds pow(abs(g), p) and takes \
      pow(sum, 1 / p) once at the end. Throw invalidArgument for normType <= 0 \
      first. Swift's max quietly drops a NaN argument: test isNaN yourself.
      """,
      ]),
    HintGroup(
      "clipGradNorm",
      [
      """
      clipGradNorm needs no norm formula of its own: measure with your \
      gradNorm, turn that one number into one factor, and multiply every \
      entry of every gradient by it. Which norm does it return, the one \
      before or after?
      """,
      """
      clipGradNorm's factor is min(1, maxNorm / (total + 1e-6)), applied \
      always, with no "if total > maxNorm". But min(1, .nan) is 1: keep a NaN \
      ratio NaN. Before scaling anything: maxNorm < 0 throws invalidArgument, \
      and errorIfNonfinite with a non-finite total throws nonFiniteNorm.
      """,
      """
      clipGradNorm in place: Tensor is a class, so assigning new numbers to \
      the data of the unwrapped p.grad changes the parameter's gradient (p.data \
      would be the weights). Return total, measured before the scaling.
      """,
      ]),
    HintGroup(
      "trainStep",
      [
      """
      trainStep is trainStepWithoutClipping plus one line. The gradient exists \
      only after backward(), and step() uses it: call clipGradNorm on \
      model.parameters() between the two, and put what it returns in the \
      StepRecord as gradNorm, beside loss.item().
      """,
      ]),
  ]

  // MARK: - Exercise 2

  // clipGradValue, trainStep, compareClipping: the order of the TODOs.
  static let valueClipping: [HintGroup] = [
    HintGroup(
      "clipGradValue",
      [
      """
      clipGradValue needs no norm at all: each gradient entry is clamped into \
      [-clipValue, clipValue] on its own, without looking at the others. \
      Which entries does that leave exactly as they were?
      """,
      """
      clipGradValue: clamp both sides, min(max(v, -clipValue), clipValue), for \
      every entry of every non-nil grad, and assign the result to that grad's \
      data. Keep NaN as NaN with an explicit v.isNaN test; +/-infinity then \
      clamps. A negative clipValue throws invalidArgument.
      """,
      ]),
    HintGroup(
      "trainStep",
      [
      """
      trainStep is exercise 1's trainStep with clipGradValue in place of \
      clipGradNorm, at the same moment: after backward() makes the gradient, \
      before step() uses it. It returns only loss.item().
      """,
      ]),
    HintGroup(
      "compareClipping",
      [
      """
      compareClipping: validate first (exactly two entries, no negative \
      threshold). Then clip two copies of the vector: by norm with exercise 1's \
      factor computed from length(vector), by value with the clamp. One small \
      angle function then serves both copies.
      """,
      """
      The angle: cosine = (a[0] * b[0] + a[1] * b[1]) / (length(a) * \
      length(b)), clamped into [-1, 1] before acos (rounding can give \
      1.0000000000000002), times 180 / .pi for degrees; 0 when a length is 0. \
      Check: [3, 4] with both thresholds 1 gives 0 and about 8.13.
      """,
      ]),
  ]

  // MARK: - Exercise 3

  static let accumulation: [HintGroup] = [
    HintGroup(
      "trainWithAccumulation",
      [
      """
      trainWithAccumulation rests on one fact: backward() adds into .grad and \
      never overwrites. Several backward() calls with no zeroGrad() between \
      them build a sum. What must each micro-batch's loss be multiplied by for \
      that sum to be the large batch's mean gradient?
      """,
      """
      The weight of a micro-batch is its share of its window's samples, n / N, \
      with N counted in the window it is in: 1/k only when all sizes are equal, \
      and not in a shorter last window. Divide Doubles: Double(n / N) is 0.
      """,
      """
      Think in windows, not in indices: consecutive slices of accumulationSteps \
      micro-batches, the last one possibly shorter. stride(from: 0, to: count, \
      by: accumulationSteps) gives each window's start; end its slice at \
      min(start + accumulationSteps, count). accumulationSteps < 1 throws first.
      """,
      """
      zeroGrad() clears the gradient and step() uses it: zero once before the \
      first window (old gradients may be there), never inside a window, and \
      again after each step(). Exactly one step() per window, after its last \
      backward().
      """,
      """
      Per window: count N; per micro-batch, compute its mean loss, call \
      backward() on loss * weight and add loss.item() * weight to the window's \
      loss; after the micro-batches, step(), zeroGrad() and append the window's \
      loss to the array you return.
      """,
      ]),
  ]

  // MARK: - Exercise 4

  static let accumulationWithClipping: [HintGroup] = [
    HintGroup(
      "trainWithAccumulationAndClipping",
      [
      """
      trainWithAccumulationAndClipping is your exercise-3 loop plus one call \
      to the clipGradNorm it is handed. The whole exercise is where that call \
      goes: at what moment is the large batch's gradient complete?
      """,
      """
      The window's gradient is complete only after its LAST backward(). Clip \
      earlier and you clip a partial sum: in the guide's example, [0.447, \
      0.894] instead of [0.707, 0.707], and a step that depends on the order \
      of the micro-batches.
      """,
      """
      Validate both arguments before any forward pass: accumulationSteps >= 1 \
      and maxNorm >= 0, or throw WorkbookError.invalidArgument. Leaving maxNorm \
      to clipGradNorm is too late: a whole window has run by then.
      """,
      """
      Per window: the micro-batches' weighted backward() calls as in exercise \
      3; then clipGradNorm(model.parameters(), maxNorm: maxNorm) once, outside \
      the loop over micro-batches; then step(), then zeroGrad().
      """,
      """
      Each window appends a StepRecord: the weighted window loss as in \
      exercise 3, and as gradNorm the number clipGradNorm returned, which is \
      the norm before clipping, not one measured afterwards.
      """,
      ]),
  ]
}
