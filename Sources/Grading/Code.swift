import Autograd
import Contract
import Datasets

// An implementation of an exercise, as closures. The graders take these,
// never a module: the same grader runs the student's code, the reference
// solution and the deliberately wrong variants of the self-tests.

/// Exercise 1: the functions a student writes for norm clipping.
public struct NormClippingCode {
  public var gradNorm: (_ parameters: [Tensor], _ normType: Double) throws -> Double
  public var clipGradNorm:
    (_ parameters: [Tensor], _ maxNorm: Double, _ normType: Double, _ errorIfNonfinite: Bool) throws -> Double
  public var trainStep:
    (_ model: any Module, _ optimizer: any Optimizer, _ batch: Batch, _ lossFunction: LossFunction, _ maxNorm: Double)
      throws -> StepRecord

  public init(
    gradNorm: @escaping (_ parameters: [Tensor], _ normType: Double) throws -> Double,
    clipGradNorm: @escaping (_ parameters: [Tensor], _ maxNorm: Double, _ normType: Double, _ errorIfNonfinite: Bool)
      throws -> Double,
    trainStep: @escaping (any Module, any Optimizer, Batch, LossFunction, Double) throws -> StepRecord
  ) {
    self.gradNorm = gradNorm
    self.clipGradNorm = clipGradNorm
    self.trainStep = trainStep
  }
}

/// Exercise 2: value clipping and the 2-D comparison.
public struct ValueClippingCode {
  public var clipGradValue: (_ parameters: [Tensor], _ clipValue: Double) throws -> Void
  public var trainStep:
    (_ model: any Module, _ optimizer: any Optimizer, _ batch: Batch, _ lossFunction: LossFunction, _ clipValue: Double)
      throws -> Double
  public var compareClipping: (_ vector: [Double], _ maxNorm: Double, _ clipValue: Double) throws -> ClipComparison

  public init(
    clipGradValue: @escaping ([Tensor], Double) throws -> Void,
    trainStep: @escaping (any Module, any Optimizer, Batch, LossFunction, Double) throws -> Double,
    compareClipping: @escaping ([Double], Double, Double) throws -> ClipComparison
  ) {
    self.clipGradValue = clipGradValue
    self.trainStep = trainStep
    self.compareClipping = compareClipping
  }
}

/// Exercise 3: the accumulation loop.
public struct AccumulationCode {
  public var trainWithAccumulation:
    (_ model: any Module, _ optimizer: any Optimizer, _ microBatches: [Batch], _ accumulationSteps: Int,
      _ lossFunction: LossFunction) throws -> [Double]

  public init(trainWithAccumulation: @escaping (any Module, any Optimizer, [Batch], Int, LossFunction) throws -> [Double]) {
    self.trainWithAccumulation = trainWithAccumulation
  }
}

/// Exercise 4: accumulation with clipping. The loop is handed the
/// clipping function to call: the graders hand it `clipper`, the reference
/// clipping unless set otherwise, so a mistake in exercise 1 is never
/// charged to exercise 4 too.
public struct AccumulationClippingCode {
  public var trainWithAccumulationAndClipping:
    (_ model: any Module, _ optimizer: any Optimizer, _ microBatches: [Batch], _ accumulationSteps: Int,
      _ lossFunction: LossFunction, _ maxNorm: Double, _ clipGradNorm: GradNormClipper) throws -> [StepRecord]
  /// What the checks hand the loop as its `clipGradNorm`.
  public var clipper: GradNormClipper

  public init(
    trainWithAccumulationAndClipping: @escaping (
      any Module, any Optimizer, [Batch], Int, LossFunction, Double, GradNormClipper
    ) throws -> [StepRecord],
    clipper: GradNormClipper = .reference
  ) {
    self.trainWithAccumulationAndClipping = trainWithAccumulationAndClipping
    self.clipper = clipper
  }

  /// One run of the loop with the clipping the checks chose.
  public func train(
    _ model: any Module, _ optimizer: any Optimizer, _ microBatches: [Batch], _ accumulationSteps: Int,
    _ lossFunction: LossFunction, _ maxNorm: Double
  ) throws -> [StepRecord] {
    try trainWithAccumulationAndClipping(model, optimizer, microBatches, accumulationSteps, lossFunction, maxNorm, clipper)
  }
}

/// Exercise 5: the loss scaler's two pieces and the loop that uses them.
public struct MixedPrecisionCode {
  public var unscaleGradients: (_ parameters: [Tensor], _ scale: Double) throws -> Bool
  public var updateScale: (_ lossScale: inout LossScale, _ foundInf: Bool) throws -> Void
  public var trainWithMixedPrecision:
    (_ model: any Module, _ optimizer: any Optimizer, _ scheduler: LinearWarmup, _ microBatches: [Batch],
      _ accumulationSteps: Int, _ lossFunction: LossFunction, _ maxNorm: Double, _ lossScale: inout LossScale,
      _ clipGradNorm: GradNormClipper) throws -> [MixedPrecisionRecord]

  public init(
    unscaleGradients: @escaping ([Tensor], Double) throws -> Bool,
    updateScale: @escaping (inout LossScale, Bool) throws -> Void,
    trainWithMixedPrecision: @escaping (
      any Module, any Optimizer, LinearWarmup, [Batch], Int, LossFunction, Double, inout LossScale, GradNormClipper
    ) throws -> [MixedPrecisionRecord]
  ) {
    self.unscaleGradients = unscaleGradients
    self.updateScale = updateScale
    self.trainWithMixedPrecision = trainWithMixedPrecision
  }
}

/// The implementations of the exercises that one program holds: each
/// exercise's grading program links only its own exercise (so one that
/// does not compile costs no other), the reference holds them all.
public struct WorkbookCode {
  public var ex1: NormClippingCode?
  public var ex2: ValueClippingCode?
  public var ex3: AccumulationCode?
  public var ex4: AccumulationClippingCode?
  public var ex5: MixedPrecisionCode?

  public init(
    ex1: NormClippingCode? = nil, ex2: ValueClippingCode? = nil, ex3: AccumulationCode? = nil,
    ex4: AccumulationClippingCode? = nil, ex5: MixedPrecisionCode? = nil
  ) {
    self.ex1 = ex1
    self.ex2 = ex2
    self.ex3 = ex3
    self.ex4 = ex4
    self.ex5 = ex5
  }
}
