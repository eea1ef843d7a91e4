import Judge

extension KnownMistake {
  /// Every known mistake, by exercise.
  public static let catalogue: [KnownMistake] = [
    // Exercise 1: gradient clipping by norm.
    .missingSquareRoot, .wrongPNormRoot, .nanLostInMax, .nanLostInMin, .clipsWeightsNotGradients,
    .perParameterNorm, .valueClipInsteadOfNorm, .returnsClippedNorm, .scalesUpSmallGradients,
    .missingEpsilon, .noZeroGradBeforeBackward, .trainStepReportsClippedNorm, .clipAfterStepInTrainStep,
    .clipsOnlyAboveThreshold, .rejectsZeroMaxNorm,
    // Exercise 2: gradient clipping by value.
    .normClipInsteadOfValue, .noZeroGradBeforeValueClippedBackward, .clampAfterStep, .cosineNotClamped,
    .rejectsZeroClipValue,
    // Exercise 3: gradient accumulation.
    .lossNotDivided, .zeroGradInsideWindow, .stepEveryMicroBatch, .noZeroGradAfterStep, .stepOffByOne,
    .partialWindowDropped, .partialWindowDividedBySteps, .meanOfMicroBatchMeans,
    .weightFromIntegerDivision, .oneBackwardPerWindow,
    // Exercise 4: accumulation plus clipping.
    .clipEachMicroBatch, .clipAfterStep, .clipBeforeLastBackward, .recordsClippedNorm, .clippedLossNotDivided,
    .clippedZeroGradInsideWindow, .clippedNoZeroGradAfterStep, .clippedPartialWindowDividedBySteps,
    .thresholdTimesSteps, .validatesMaxNormLate, .clippedOneBackwardPerWindow,
    // Exercise 5: mixed precision with a dynamic loss scale.
    .clipBeforeUnscale, .unscalePerMicroBatch, .stepDespiteOverflow, .infCheckOnLossOnly, .infCheckAfterClip,
    .scaleNeverUpdated, .scaleUpdatedPerMicroBatch, .growthWithoutTrackerReset, .growthOnceWithoutTrackerReset,
    .unscaleTwice, .multiplyWhenUnscaling, .schedulerPerMicroBatch, .scheduleAdvancedOnSkip, .noZeroGradAfterSkip,
    .scaleAfterBackward, .oneBackwardPerWindowScaled,
    // Exercise 6: where accumulation breaks.
    .meanOfTokenMeans, .meanOfTokenMeansPerWindow, .summedLossDividedBySteps, .paddingCounted,
    .tokensCountedPerMicroBatch, .tokensCountedPerWorker, .allReduceEveryMicroStep, .syncOffByOne, .syncOneTooMany,
    .meanOfWorkerMeans,
    .worldSizeDividedTwice, .clipByLocalNorm, .normsAllReduced, .replicatedCountedPerWorker,
    // Exercise 7: gradient health (in Mistakes/WrongGradientHealth.swift).
    .agcPerTensor, .agcWrongAxis, .agcWithoutEps, .agcScalesUp, .centralizedBiases, .centralizedWrongAxis,
    .centralizedUpdate, .reportGradNormAfterClipping, .reportGlobalBeforeAfterClipping, .stepSnapshotAfterClipping,
    .reportGlobalAfterBeforeClipping, .nanCountedAsFinite, .firstNonFiniteForward,
  ]

  init(
    _ name: String, _ mistake: Mistake?, _ explanation: String, ex1: NormClippingCode, function: String,
    alsoNamed: Set<Mistake> = []
  ) {
    self.init(
      name, mistake, exercise: .ex1, function: function, explanation, code: .reference(ex1: ex1), alsoNamed: alsoNamed)
  }

  init(
    _ name: String, _ mistake: Mistake?, _ explanation: String, ex2: ValueClippingCode, function: String,
    alsoNamed: Set<Mistake> = []
  ) {
    self.init(
      name, mistake, exercise: .ex2, function: function, explanation, code: .reference(ex2: ex2), alsoNamed: alsoNamed)
  }

  init(_ name: String, _ mistake: Mistake?, _ explanation: String, ex3: AccumulationCode, alsoNamed: Set<Mistake> = []) {
    self.init(
      name, mistake, exercise: .ex3, function: "trainWithAccumulation", explanation, code: .reference(ex3: ex3),
      alsoNamed: alsoNamed)
  }

  init(
    _ name: String, _ mistake: Mistake?, _ explanation: String, ex4: AccumulationClippingCode,
    alsoNamed: Set<Mistake> = []
  ) {
    self.init(
      name, mistake, exercise: .ex4, function: "trainWithAccumulationAndClipping", explanation,
      code: .reference(ex4: ex4), alsoNamed: alsoNamed)
  }

  init(
    _ name: String, _ mistake: Mistake?, _ explanation: String, ex5: MixedPrecisionCode,
    function: String = "trainWithMixedPrecision", alsoNamed: Set<Mistake> = []
  ) {
    self.init(
      name, mistake, exercise: .ex5, function: function, explanation, code: .reference(ex5: ex5), alsoNamed: alsoNamed)
  }
}
