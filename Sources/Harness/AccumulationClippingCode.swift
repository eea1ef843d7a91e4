import Autograd
import Contract
import Datasets

/// Exercise 4: accumulation with clipping. The loop is handed the
/// clipping function to call: the graders hand it `clipper`, the reference
/// clipping unless set otherwise, so a mistake in exercise 1 is never
/// charged to exercise 4 too.
public struct AccumulationClippingCode {
  public var trainWithAccumulationAndClipping:
    (_ model: any Module, _ optimizer: any Optimizer, _ microBatches: [Batch], _ accumulationSteps: Int,
      _ lossFunction: LossFunction, _ maxNorm: Double, _ clipGradNorm: GradNormClipper) throws -> [StepRecord]
  /// The clipping the loop is handed, when it is the runner's own (the
  /// student's exercise 1, for `check ex4`'s note); nil when the grader
  /// hands it (the judge answers each call, see `ClipQuestion`).
  public var clipper: GradNormClipper?

  public init(
    trainWithAccumulationAndClipping: @escaping (
      any Module, any Optimizer, [Batch], Int, LossFunction, Double, GradNormClipper
    ) throws -> [StepRecord],
    clipper: GradNormClipper? = nil
  ) {
    self.trainWithAccumulationAndClipping = trainWithAccumulationAndClipping
    self.clipper = clipper
  }

}
