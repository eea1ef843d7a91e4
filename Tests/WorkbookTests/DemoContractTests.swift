import AnswerKey
import Autograd
import Contract
import Foundation
import Testing
@testable import WorkbookKit
@testable import StudentCommands
@testable import InstructorCommands
@testable import WorkbookCommand
@testable import Judge
import Harness

// What every demo owes the `workbook run` command: files, progress, a
// table, 80 columns, and an honest answer to "is this implemented?".

@Suite("Demos: files, output and probes", .tags(.demos))
struct DemoContractTests {
  @Test("SVG and CSV files are written, the SVGs are well-formed XML", arguments: Exercise.allCases)
  func files(_ exercise: Exercise) throws {
    let directory = try DemoFixture.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let steps = 12
    let run = try DemoFixture.run(exercise) {
      $0.steps = steps
      $0.svgPath = directory.appendingPathComponent("chart.svg").path
      $0.csvPath = directory.appendingPathComponent("steps.csv").path
    }
    let svgs = run.summary.files.filter { $0.hasSuffix(".svg") }
    #expect(svgs.first == directory.appendingPathComponent("chart.svg").path)
    for path in svgs {
      let data = try Data(contentsOf: URL(fileURLWithPath: path))
      #expect(DemoFixture.isWellFormedXML(data), "\(path) is not well-formed")
      #expect(String(decoding: data, as: UTF8.self).contains("<svg"))
    }
    for path in svgs.dropFirst() {
      #expect(URL(fileURLWithPath: path).lastPathComponent.hasPrefix("chart-"), "\(path) has no suffix")
    }
    let csv = try String(contentsOfFile: directory.appendingPathComponent("steps.csv").path, encoding: .utf8)
    let rows = csv.split(separator: "\n")
    #expect(rows.first?.hasPrefix("step,") == true)
    #expect(rows.count == steps + 1)
    #expect(run.summary.files.contains(directory.appendingPathComponent("steps.csv").path))
  }

  @Test("Without paths no file is written")
  func noFiles() throws {
    let run = try DemoFixture.run(.ex3) { $0.steps = 3 }
    #expect(run.summary.files.isEmpty)
  }

  @Test("The default output reports progress, ends with a table and fits 80 columns", arguments: Exercise.allCases)
  func output(_ exercise: Exercise) throws {
    let run = try DemoFixture.defaults(exercise)
    #expect(!run.progressLines.isEmpty)
    #expect(run.lines.contains { $0.hasPrefix("┌") })
    let widest = run.lines.max { $0.count < $1.count } ?? ""
    #expect(widest.count <= 80, "\(widest.count) columns: \(widest)")
  }

  @Test("A seed reproduces a run exactly")
  func seeded() throws {
    let first = try DemoFixture.run(.ex4) { $0.steps = 5 }
    let second = try DemoFixture.run(.ex4) { $0.steps = 5 }
    let other = try DemoFixture.run(.ex4) {
      $0.steps = 5
      $0.seed = 2
    }
    #expect(first.summary.values["eachDifferenceAfterTraining"] == second.summary.values["eachDifferenceAfterTraining"])
    #expect(first.summary.values["eachDifferenceAfterTraining"] != other.summary.values["eachDifferenceAfterTraining"])
  }

  @Test("The reference solutions count as implemented", arguments: Exercise.allCases)
  func solutionsImplemented(_ exercise: Exercise) {
    #expect(Demos.isImplemented(exercise, in: ReferenceCode.code))
  }

  @Test("A stub that throws notImplemented does not", arguments: Exercise.allCases)
  func stubsNotImplemented(_ exercise: Exercise) {
    #expect(!Demos.isImplemented(exercise, in: StubCode.code))
  }

  @Test("Any other error still counts as implemented", arguments: Exercise.allCases)
  func brokenIsImplemented(_ exercise: Exercise) {
    #expect(Demos.isImplemented(exercise, in: StubCode.broken))
  }
}

/// Code whose every function throws, as stubs and broken code do.
enum StubCode {
  static func make(throwing error: @escaping (Int, String) -> Error) -> WorkbookCode {
    WorkbookCode(
      ex1: NormClippingCode(
        gradNorm: { _, _ in throw error(1, "gradNorm") },
        clipGradNorm: { _, _, _, _ in throw error(1, "clipGradNorm") },
        trainStep: { _, _, _, _, _ in throw error(1, "trainStep") }),
      ex2: ValueClippingCode(
        clipGradValue: { _, _ in throw error(2, "clipGradValue") },
        trainStep: { _, _, _, _, _ in throw error(2, "trainStep") },
        compareClipping: { _, _, _ in throw error(2, "compareClipping") }),
      ex3: AccumulationCode(trainWithAccumulation: { _, _, _, _, _ in throw error(3, "trainWithAccumulation") }),
      ex4: AccumulationClippingCode(
        trainWithAccumulationAndClipping: { _, _, _, _, _, _, _ in throw error(4, "trainWithAccumulationAndClipping") },
        clipper: GradNormClipper { _, _, _, _ in throw error(1, "clipGradNorm") }),
      ex5: MixedPrecisionCode(
        unscaleGradients: { _, _ in throw error(5, "unscaleGradients") },
        updateScale: { _, _ in throw error(5, "updateScale") },
        trainWithMixedPrecision: { _, _, _, _, _, _, _, _, _ in throw error(5, "trainWithMixedPrecision") }),
      ex6: AccumulationLimitsCode(
        trainWithTokenAccumulation: { _, _, _, _, _ in throw error(6, "trainWithTokenAccumulation") },
        trainDataParallel: { _, _, _, _ in throw error(6, "trainDataParallel") },
        clipGradNormAcrossWorkers: { _, _, _, _ in throw error(6, "clipGradNormAcrossWorkers") },
        clipGradValueAcrossWorkers: { _, _, _, _ in throw error(6, "clipGradValueAcrossWorkers") }),
      ex7: GradientHealthCode(
        adaptiveGradClip: { _, _, _ in throw error(7, "adaptiveGradClip") },
        centralizeGradients: { _ in throw error(7, "centralizeGradients") },
        gradientReport: { _, _, _ in throw error(7, "gradientReport") },
        trainStepWithReport: { _, _, _, _, _, _ in throw error(7, "trainStepWithReport") }))
  }

  static let code = make { WorkbookError.notImplemented(exercise: $0, function: $1) }
  static let broken = make { WorkbookError.invalidArgument(function: $1, detail: "broken on purpose (exercise \($0))") }
}
