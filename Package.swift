// swift-tools-version: 6.1
import Foundation
import PackageDescription

// MARK: - Which code is graded

/// `WORKBOOK_SOLUTIONS=1 swift test` grades the reference solutions in
/// Solutions/ instead of the student's code in Exercises/ (the instructor's
/// check that everything is green). Only the small `Implementations` target
/// sees the switch, so flipping it rebuilds seconds of code, not the engine.
let gradeSolutions = ["1", "true", "yes"].contains(
  (Context.environment["WORKBOOK_SOLUTIONS"] ?? "").lowercased())

// MARK: - Build settings

/// The numeric core is optimized even in the default debug build: the graders
/// and classroom demos run in debug, and unoptimized array code is ~16x
/// slower. Student code stays unoptimized so it is easy to step through.
///
/// On a Linux x86-64 machine whose CPU reports AVX2 and FMA, the engine is
/// also compiled for them (the matmul kernel then fuses multiply-adds).
/// Elsewhere, or with WORKBOOK_PORTABLE=1, it targets the baseline CPU, so a
/// built binary never meets an instruction its machine lacks.
let cpuHasAVX2FMA: Bool = {
  guard Context.environment["WORKBOOK_PORTABLE"] == nil,
    let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
    let flags = info.split(separator: "\n").first(where: { $0.hasPrefix("flags") })
  else { return false }
  let set = Set(flags.split(separator: " "))
  return set.contains("avx2") && set.contains("fma")
}()

let optimized: [SwiftSetting] =
  cpuHasAVX2FMA
  ? [.unsafeFlags(["-O", "-target-cpu", "haswell"]), .define("WORKBOOK_FMA")]
  : [.unsafeFlags(["-O"])]

// MARK: - Exercises

/// The exercise folders, shared by Exercises/ (the student's code) and
/// Solutions/ (the reference), each built as its own module.
let exerciseFolders = [
  "ex1-norm-clipping", "ex2-value-clipping", "ex3-gradient-accumulation", "ex4-accumulation-and-clipping",
]

/// ExerciseN from Exercises/, SolutionN from Solutions/: same files, same
/// API. Exercise 4 calls exercise 1's `clipGradNorm`, so it depends on it.
let exerciseTargets: [Target] = exerciseFolders.enumerated().flatMap { index, folder -> [Target] in
  let number = index + 1
  let engine: [Target.Dependency] = ["Autograd", "Datasets"]
  return [
    .target(
      name: "Exercise\(number)", dependencies: engine + (number == 4 ? ["Exercise1"] : []),
      path: "Exercises/\(folder)", exclude: ["README.md"]),
    // The reference is optimized like the engine: the demos and the
    // benchmark run it, and nobody steps through it in a debugger.
    .target(
      name: "Solution\(number)", dependencies: engine + (number == 4 ? ["Solution1"] : []),
      path: "Solutions/\(folder)", swiftSettings: optimized),
  ]
}

// MARK: - Package

let package = Package(
  name: "GradientWorkbook",
  products: [
    .executable(name: "workbook", targets: ["workbook"]),
    .library(name: "Autograd", targets: ["Autograd"]),
  ],
  targets: [
    // The engine: tensors, autograd, modules, optimizers, memory meter.
    .target(name: "Autograd", swiftSettings: optimized),
    // Seeded datasets, batches and the loader.
    .target(name: "Datasets", dependencies: ["Autograd"], swiftSettings: optimized),
    // Terminal and SVG line charts, tables.
    .target(name: "Charts", swiftSettings: optimized),

    // The graders: checks, the answer key, mistake diagnosis, isolation.
    .target(name: "Grading", dependencies: ["Autograd", "Datasets"], swiftSettings: optimized),
    // The exercises and solutions as `WorkbookCode` values for the graders;
    // the one target that knows whether the solutions are being graded.
    .target(
      name: "Implementations",
      dependencies: ["Grading"] + (1...4).flatMap { ["Exercise\($0)", "Solution\($0)"] }.map { .target(name: $0) },
      swiftSettings: gradeSolutions ? [.define("WORKBOOK_SOLUTIONS")] : []),

    // The `workbook` command: list, check, hint, watch, run (demos), grade, bench.
    .target(
      name: "WorkbookKit",
      dependencies: ["Autograd", "Datasets", "Charts", "Grading", "Implementations"], swiftSettings: optimized),
    .executableTarget(name: "workbook", dependencies: ["WorkbookKit"]),

    .testTarget(name: "AutogradTests", dependencies: ["Autograd"]),
    .testTarget(name: "DatasetsTests", dependencies: ["Datasets", "Autograd"]),
    .testTarget(name: "ChartsTests", dependencies: ["Charts"]),
    // What a student runs: every check of every exercise on their code.
    .testTarget(name: "ExerciseTests", dependencies: ["Grading", "Implementations"]),
    // The graders' own proof: wrong implementations fail with the right
    // diagnosis, correct variants and the reference pass, stubs fail.
    .testTarget(name: "GradingTests", dependencies: ["Grading", "Implementations", "Autograd", "Datasets"]),
    .testTarget(name: "WorkbookTests", dependencies: ["WorkbookKit", "Grading", "Charts"]),
  ] + exerciseTargets,
  swiftLanguageModes: [.v5]
)
