import Exercise1
import Exercise2
import Exercise3
import Exercise4
import Exercise5
import Exercise6
import Exercise7
import Foundation
@testable import AnswerKey
import Judge

/// The code in Exercises/, wired as each runner wires its own exercise
/// (Sources/Runners): what the stub tests grade.
enum Stubs {
  static let code = WorkbookCode(
    ex1: NormClippingCode(
      gradNorm: Exercise1.gradNorm, clipGradNorm: Exercise1.clipGradNorm, trainStep: Exercise1.trainStep),
    ex2: ValueClippingCode(
      clipGradValue: Exercise2.clipGradValue, trainStep: Exercise2.trainStep,
      compareClipping: Exercise2.compareClipping),
    ex3: AccumulationCode(trainWithAccumulation: Exercise3.trainWithAccumulation),
    ex4: AccumulationClippingCode(trainWithAccumulationAndClipping: Exercise4.trainWithAccumulationAndClipping),
    ex5: MixedPrecisionCode(
      unscaleGradients: Exercise5.unscaleGradients, updateScale: Exercise5.updateScale,
      trainWithMixedPrecision: Exercise5.trainWithMixedPrecision),
    ex6: AccumulationLimitsCode(
      trainWithTokenAccumulation: Exercise6.trainWithTokenAccumulation, trainDataParallel: Exercise6.trainDataParallel,
      clipGradNormAcrossWorkers: Exercise6.clipGradNormAcrossWorkers,
      clipGradValueAcrossWorkers: Exercise6.clipGradValueAcrossWorkers),
    ex7: GradientHealthCode(
      adaptiveGradClip: Exercise7.adaptiveGradClip, centralizeGradients: Exercise7.centralizeGradients,
      gradientReport: Exercise7.gradientReport, trainStepWithReport: Exercise7.trainStepWithReport))

  /// WORKBOOK_SOLUTIONS=1, as Package.swift reads it: then Exercises/
  /// holds the shipped stubs, not a student's work.
  static let gradingSolutions = GradedCode.isSolutions
}
