import Autograd
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

/// Exercise 4: accumulation with clipping, plus the exercise-1
/// `clipGradNorm` it calls (checked first, so a bug there is named there).
public struct AccumulationClippingCode {
  public var trainWithAccumulationAndClipping:
    (_ model: any Module, _ optimizer: any Optimizer, _ microBatches: [Batch], _ accumulationSteps: Int,
      _ lossFunction: LossFunction, _ maxNorm: Double) throws -> [StepRecord]
  public var clipGradNorm:
    (_ parameters: [Tensor], _ maxNorm: Double, _ normType: Double, _ errorIfNonfinite: Bool) throws -> Double

  public init(
    trainWithAccumulationAndClipping: @escaping (any Module, any Optimizer, [Batch], Int, LossFunction, Double) throws
      -> [StepRecord],
    clipGradNorm: @escaping ([Tensor], Double, Double, Bool) throws -> Double
  ) {
    self.trainWithAccumulationAndClipping = trainWithAccumulationAndClipping
    self.clipGradNorm = clipGradNorm
  }
}

/// One implementation of every exercise: the student's, or the reference.
public struct WorkbookCode {
  public var ex1: NormClippingCode
  public var ex2: ValueClippingCode
  public var ex3: AccumulationCode
  public var ex4: AccumulationClippingCode

  public init(ex1: NormClippingCode, ex2: ValueClippingCode, ex3: AccumulationCode, ex4: AccumulationClippingCode) {
    self.ex1 = ex1
    self.ex2 = ex2
    self.ex3 = ex3
    self.ex4 = ex4
  }
}
