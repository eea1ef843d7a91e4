@_exported import Harness

/// The mistakes the graders recognise by their numerical signature.
///
/// Each one has a heading in the "Common mistakes" section of every guide
/// whose exercise's checks can name it; a failing check names the mistake
/// and points at that heading's line in the guide of the exercise being
/// graded, so the student reads the explanation beside the exercise at
/// hand. Mistakes are named by their heading, not numbered: a number would
/// have to be kept in step with every guide whenever a mistake is added.
public enum Mistake: String, Codable, CaseIterable, Sendable {
  // Accumulation (exercises 3 and 4).
  case lossNotDivided
  case zeroGradInsideWindow
  case stepEveryMicroBatch
  case noZeroGradAfterStep
  case stepOffByOne
  case partialWindowDropped
  case partialWindowDividedBySteps
  case meanOfMicroBatchMeans
  case weightFromIntegerDivision
  case oneBackwardPerWindow
  // Clipping with accumulation (exercise 4).
  case clipEachMicroBatch
  case clipAtWrongTime
  case validatesTooLate
  // Mixed precision (exercise 5).
  case clipBeforeUnscale
  case unscalePerMicroBatch
  case stepDespiteOverflow
  case infCheckOnLossOnly
  case infCheckAfterClip
  case scaleNeverUpdated
  case scaleUpdatedPerMicroBatch
  case growthWithoutTrackerReset
  case unscaleWrongWay
  case schedulerPerMicroBatch
  case scheduleAdvancedOnSkip
  case noZeroGradAfterSkip
  case scaleAfterBackward
  // Norm clipping (exercise 1).
  case perParameterNorm
  case valueClipInsteadOfNorm
  case normClipInsteadOfValue
  case returnsClippedNorm
  case scalesUpSmallGradients
  case missingEpsilon
  case missingSquareRoot
  case noZeroGradBeforeBackward
  case wrongPNormRoot
  case nanLostInMinMax
  case clipsWeightsNotGradients
  // Value clipping (exercise 2).
  case cosineNotClamped
  // Where accumulation stops being the large batch (exercise 6): see Mistake+AccumulationLimits.swift.
  case meanOfTokenMeans, summedLossDividedBySteps, paddingCounted, tokensCountedPerMicroBatch, tokensCountedPerWorker,
    allReduceEveryMicroStep, syncOffByOne, meanOfWorkerMeans, worldSizeDividedTwice, clipByLocalNorm, normsAllReduced,
    replicatedCountedPerWorker
  // Gradient health (exercise 7); headings in Mistake+GradientHealth.swift.
  case agcPerTensor, agcWrongAxis, agcWithoutEps, agcScalesUp, centralizedBiases, centralizedWrongAxis,
    centralizedUpdate, loggedAfterAsBefore, loggedBeforeAsAfter, nanCountedAsFinite, firstNonFiniteForward

  /// The heading of the guide section that explains it (without the `###`).
  public var heading: String {
    switch self {
    case .lossNotDivided: return "The loss is not divided"
    case .zeroGradInsideWindow: return "zeroGrad inside the window"
    case .stepEveryMicroBatch: return "A step after every micro-batch"
    case .noZeroGradAfterStep: return "No zeroGrad after the step"
    case .stepOffByOne: return "The step is off by one micro-batch"
    case .partialWindowDropped: return "The last, shorter window is dropped"
    case .partialWindowDividedBySteps: return "The last window is divided by the full step count"
    case .meanOfMicroBatchMeans: return "The mean of micro-batch means"
    case .weightFromIntegerDivision: return "A weight of 0 from integer division"
    case .oneBackwardPerWindow: return "One backward() for the whole window"
    case .clipEachMicroBatch: return "Clipping each micro-batch"
    case .clipAtWrongTime: return "Clipping at the wrong moment"
    case .validatesTooLate: return "Arguments checked after training started"
    case .clipBeforeUnscale: return "Clipping before unscaling"
    case .unscalePerMicroBatch: return "Unscaling after every micro-batch"
    case .stepDespiteOverflow: return "A step on overflowed gradients"
    case .infCheckOnLossOnly: return "Looking for an overflow in the loss only"
    case .infCheckAfterClip: return "Looking for an overflow after clipping"
    case .scaleNeverUpdated: return "The scale never changes"
    case .scaleUpdatedPerMicroBatch: return "The scale updated after every micro-batch"
    case .growthWithoutTrackerReset: return "Growing the scale without resetting the tracker"
    case .unscaleWrongWay: return "Dividing twice, or multiplying, when unscaling"
    case .schedulerPerMicroBatch: return "The schedule stepped after every micro-batch"
    case .scheduleAdvancedOnSkip: return "The schedule advanced on a skipped step"
    case .noZeroGradAfterSkip: return "No zeroGrad after a skipped step"
    case .scaleAfterBackward: return "The scale applied after backward()"
    case .perParameterNorm: return "A norm per parameter instead of one global norm"
    case .valueClipInsteadOfNorm: return "Clamping values instead of scaling by the norm"
    case .normClipInsteadOfValue: return "Scaling by the norm instead of clamping values"
    case .returnsClippedNorm: return "Returning the norm after clipping"
    case .scalesUpSmallGradients: return "Scaling small gradients up"
    case .missingEpsilon: return "The 1e-6 is missing"
    case .missingSquareRoot: return "The square root is missing"
    case .noZeroGradBeforeBackward: return "Stale gradients from the previous step"
    case .wrongPNormRoot: return "The wrong root for a p-norm"
    case .nanLostInMinMax: return "A NaN lost in Swift's max or min"
    case .clipsWeightsNotGradients: return "Clipping the weights instead of the gradients"
    case .cosineNotClamped: return "The cosine is not clamped before acos"
    case .meanOfTokenMeans, .summedLossDividedBySteps, .paddingCounted, .tokensCountedPerMicroBatch,
      .tokensCountedPerWorker, .allReduceEveryMicroStep, .syncOffByOne, .meanOfWorkerMeans, .worldSizeDividedTwice,
      .clipByLocalNorm, .normsAllReduced, .replicatedCountedPerWorker:
      return accumulationLimitsHeading
    case .agcPerTensor, .agcWrongAxis, .agcWithoutEps, .agcScalesUp, .centralizedBiases, .centralizedWrongAxis,
      .centralizedUpdate, .loggedAfterAsBefore, .loggedBeforeAsAfter, .nanCountedAsFinite, .firstNonFiniteForward:
      return gradientHealthHeading
    }
  }

  /// The exercises whose guides explain it, in exercise order: those whose
  /// checks can name it. A check's message points into the guide of the
  /// exercise being graded (see `GuideSection.init(_:checkedBy:)`).
  public var guides: [Exercise] {
    switch self {
    case .lossNotDivided, .zeroGradInsideWindow, .stepEveryMicroBatch, .noZeroGradAfterStep, .stepOffByOne,
      .partialWindowDropped, .partialWindowDividedBySteps, .meanOfMicroBatchMeans, .weightFromIntegerDivision:
      return [.ex3, .ex4]
    case .clipEachMicroBatch: return [.ex4]
    case .oneBackwardPerWindow: return [.ex3, .ex4, .ex5]
    case .validatesTooLate: return [.ex4, .ex5]
    case .clipBeforeUnscale, .unscalePerMicroBatch, .stepDespiteOverflow, .infCheckOnLossOnly, .infCheckAfterClip,
      .scaleNeverUpdated, .scaleUpdatedPerMicroBatch, .growthWithoutTrackerReset, .unscaleWrongWay,
      .schedulerPerMicroBatch, .scheduleAdvancedOnSkip, .noZeroGradAfterSkip, .scaleAfterBackward:
      return [.ex5]
    case .clipAtWrongTime: return [.ex1, .ex2, .ex4]
    case .returnsClippedNorm: return [.ex1, .ex4]
    case .noZeroGradBeforeBackward: return [.ex1, .ex2]
    case .normClipInsteadOfValue, .cosineNotClamped: return [.ex2]
    case .agcPerTensor, .agcWrongAxis, .agcWithoutEps, .agcScalesUp, .centralizedBiases, .centralizedWrongAxis,
      .centralizedUpdate, .loggedAfterAsBefore, .loggedBeforeAsAfter, .nanCountedAsFinite, .firstNonFiniteForward:
      return [.ex7]
    case .perParameterNorm, .valueClipInsteadOfNorm, .scalesUpSmallGradients, .missingEpsilon, .missingSquareRoot,
      .wrongPNormRoot, .nanLostInMinMax, .clipsWeightsNotGradients:
      return [.ex1]
    case .meanOfTokenMeans, .summedLossDividedBySteps, .paddingCounted, .tokensCountedPerMicroBatch,
      .tokensCountedPerWorker, .allReduceEveryMicroStep, .syncOffByOne, .meanOfWorkerMeans, .worldSizeDividedTwice,
      .clipByLocalNorm, .normsAllReduced, .replicatedCountedPerWorker:
      return [.ex6]
    }
  }

  /// "the mistake “The mean of micro-batch means”"
  public var label: String { "the mistake “\(heading)”" }
}
