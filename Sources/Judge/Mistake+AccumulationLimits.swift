extension Mistake {
  /// The guide headings of exercise 6's mistakes
  /// (Exercises/ex6-accumulation-limits/README.md, "Common mistakes").
  var accumulationLimitsHeading: String {
    switch self {
    case .meanOfTokenMeans: return "The mean of micro-batch token means"
    case .summedLossDividedBySteps: return "The summed loss divided by accumulationSteps"
    case .paddingCounted: return "Counting padding as tokens"
    case .tokensCountedPerMicroBatch: return "Counting tokens per micro-batch"
    case .tokensCountedPerWorker: return "Counting tokens per worker"
    case .allReduceEveryMicroStep: return "An all-reduce after every micro-step"
    case .syncOffByOne: return "The sync is off by one micro-step"
    case .meanOfWorkerMeans: return "Averaging per worker, then across workers"
    case .worldSizeDividedTwice: return "Dividing by the world size twice"
    case .clipByLocalNorm: return "Each worker clipping by its own norm"
    case .normsAllReduced: return "All-reducing norms instead of squares"
    case .replicatedCountedPerWorker: return "A replicated gradient counted on every worker"
    default: return rawValue
    }
  }
}
