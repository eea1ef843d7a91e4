extension Hints {
  // MARK: - Exercise 6 (the lab)

  // trainWithTokenAccumulation, trainDataParallel, clipGradNormAcrossWorkers,
  // clipGradValueAcrossWorkers: the order of the TODOs, one step closer
  // each time.
  static let accumulationLimits: [HintGroup] = [
    HintGroup(
      "trainWithTokenAccumulation",
      [
      """
      trainWithTokenAccumulation is exercise 3's loop with tokens in place of \
      samples. The loss function now returns a sum over a micro-batch's real \
      tokens, with their count. What must each sum be divided by for the \
      window's gradients to add up to the large batch's mean over its tokens?
      """,
      """
      trainWithTokenAccumulation: N is the number of real tokens in the whole \
      window (each micro-batch's tokenCount, added up), known before the first \
      backward(): look ahead over the window first. Padding is no token: \
      rowCount and targets.count count it. backward() on loss.sum / Double(N); \
      the window's loss is the sum of those divided values.
      """,
      ]),
    HintGroup(
      "trainDataParallel",
      [
      """
      trainDataParallel: picture each worker on a GPU of its own. Per window, \
      each worker counts its own tokens, and one processGroup.allReduce of \
      those counts (op .sum) gives every worker N. Then, micro-step by \
      micro-step, each worker runs forward and backward on its own micro-batch \
      with its own replica.
      """,
      """
      trainDataParallel: the gradients are all-reduced once per window, after \
      its last micro-step; before that each worker only accumulates (DDP's \
      no_sync). Op .sum adds the workers' gradients; .average, as DDP does, \
      also divides by worldSize, so each loss must then be worldSize times \
      larger. Then every worker steps and zeroes its own optimizer.
      """,
      ]),
    HintGroup(
      "clipGradNormAcrossWorkers",
      [
      """
      clipGradNormAcrossWorkers: norms do not add up, squares do. Each worker \
      sums the squares of its own shard's gradients, one allReduce (op .sum) \
      adds those up, the replicated parameters' squares are added once (any \
      worker's copy: they are the same everywhere), and the square root of it \
      all is the global norm.
      """,
      """
      clipGradNormAcrossWorkers then scales every gradient (each worker's \
      shard, and each worker's replicated copy) by exercise 1's factor, \
      min(1, maxNorm / (norm + 1e-6)), keeping a NaN ratio NaN. Check maxNorm \
      first, and return the norm from before the scaling.
      """,
      ]),
    HintGroup(
      "clipGradValueAcrossWorkers",
      [
      """
      clipGradValueAcrossWorkers needs no allReduce at all: clamp every entry \
      of every gradient, shards and replicated copies alike, into [-clipValue, \
      clipValue] on its own, keeping NaN as NaN, as in exercise 2. A negative \
      clipValue throws before anything changes.
      """,
      ]),
  ]
}
