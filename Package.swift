// swift-tools-version: 6.1
import Foundation
import PackageDescription

// MARK: - Which code is graded

/// A student's copy (`workbook handout`) has no Solutions/ and none of the
/// tests that hold the reference or near copies of it; it builds without
/// them, and its `workbook` says "write your code first" where the full
/// workbook would show the reference.
let isHandout = !FileManager.default.fileExists(atPath: Context.packageDirectory + "/Solutions")

/// `WORKBOOK_SOLUTIONS=1 swift test` grades the reference solutions in
/// Solutions/ instead of the student's code in Exercises/ (the instructor's
/// check that everything is green). Only the exercises' small runners see
/// the switch, so flipping it rebuilds seconds of code, not the engine.
let gradeSolutions =
  !isHandout && ["1", "true", "yes"].contains((Context.environment["WORKBOOK_SOLUTIONS"] ?? "").lowercased())

// MARK: - Build settings

/// The numeric code is optimized even in the default debug build: the
/// engine, the datasets, the demos' measures and the reference solutions.
/// The graders and classroom demos run in debug, and unoptimized array code
/// is ~16x slower. The code that arranges the work (the graders' checks,
/// the charts, the command) is not: optimizing it too took the cold build
/// from about 40 s to about 90 s on a 2-core machine, to save a few
/// seconds of `swift test` and nothing measurable of `workbook check` or
/// the demos (whose per-step measures are in Measures, optimized). Student
/// code stays unoptimized so it is easy to step through.
///
/// On a Linux x86-64 machine whose CPU reports AVX2 and FMA, the engine is
/// also compiled for them (the matmul kernel then fuses multiply-adds).
/// Elsewhere (macOS, Apple silicon, Windows, other CPUs), or with
/// WORKBOOK_PORTABLE=1, it targets the baseline CPU, so a built binary never
/// meets an instruction its machine lacks. The manifest runs on the machine
/// that builds, so `os(Linux)` is that machine's.
let cpuHasAVX2FMA: Bool = {
  #if os(Linux) && arch(x86_64)
    guard Context.environment["WORKBOOK_PORTABLE"] == nil,
      let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
      let flags = info.split(separator: "\n").first(where: { $0.hasPrefix("flags") })
    else { return false }
    let set = Set(flags.split(separator: " "))
    return set.contains("avx2") && set.contains("fma")
  #else
    return false
  #endif
}()

let optimized: [SwiftSetting] =
  cpuHasAVX2FMA
  ? [.unsafeFlags(["-O", "-target-cpu", "haswell"]), .define("WORKBOOK_FMA")]
  : [.unsafeFlags(["-O"])]

/// For code that is not optimized but reports how the engine was built
/// (`workbook bench`).
let engineBuild: [SwiftSetting] = cpuHasAVX2FMA ? [.define("WORKBOOK_FMA")] : []

// MARK: - Exercises

/// The exercise folders, shared by Exercises/ (the student's code) and
/// Solutions/ (the reference), each built as its own module.
let exerciseFolders = [
  "ex1-norm-clipping", "ex2-value-clipping", "ex3-gradient-accumulation", "ex4-accumulation-and-clipping",
  "ex5-mixed-precision",
]

/// ExerciseN from Exercises/, SolutionN from Solutions/: same files, same
/// API. No exercise module depends on another: exercise 4 is handed its
/// clipping function, so each compiles (or fails to) on its own.
let exerciseTargets: [Target] = exerciseFolders.enumerated().flatMap { index, folder -> [Target] in
  let number = index + 1
  let engine: [Target.Dependency] = ["Autograd", "Datasets"]
  return [
    .target(name: "Exercise\(number)", dependencies: engine, path: "Exercises/\(folder)", exclude: ["README.md"])
  ] + (isHandout ? [] : [
    // The reference is optimized like the engine: the demos and the
    // benchmark run it, and nobody steps through it in a debugger.
    .target(name: "Solution\(number)", dependencies: engine, path: "Solutions/\(folder)", swiftSettings: optimized)
  ])
}

/// The graded code of exercise `number`: the student's, or the reference
/// under WORKBOOK_SOLUTIONS=1.
func graded(_ number: Int) -> Target.Dependency {
  .target(name: gradeSolutions ? "Solution\(number)" : "Exercise\(number)")
}

/// One small program per exercise, `workbook-exN`, links that exercise's
/// code and nothing else of the student's: the `workbook` command builds
/// and runs it to grade the exercise or show its demo, so an exercise that
/// does not compile costs no other. `workbook-ex4-with-ex1` also links
/// exercise 1, to say (unscored) whether exercise 4 works with the
/// student's own clipping.
let runners: [(name: String, exercises: [Int])] = [
  ("workbook-ex1", [1]), ("workbook-ex2", [2]), ("workbook-ex3", [3]), ("workbook-ex4", [4]),
  ("workbook-ex4-with-ex1", [1, 4]), ("workbook-ex5", [5]),
]
let runnerTargets: [Target] = runners.map { runner in
  .executableTarget(
    name: runner.name, dependencies: ["WorkbookKit", "Grading", "Autograd"] + runner.exercises.map(graded),
    path: "Sources/Runners/\(runner.name)",
    swiftSettings: gradeSolutions ? [.define("WORKBOOK_SOLUTIONS")] : [])
}

/// What only the full workbook has: the reference wired for the demos and
/// the graders' self-tests, and the tests that hold wrong implementations.
let referenceTargets: [Target] =
  isHandout
  ? []
  : [
    // The reference solutions as one `WorkbookCode`, for the demos'
    // fallback, the benchmark and the graders' self-tests.
    .target(
      name: "References", dependencies: ["Grading", "Autograd"] + (1...5).map { .target(name: "Solution\($0)") }),
    // The graders' own proof: wrong implementations fail with the right
    // diagnosis, correct variants and the reference pass, stubs fail.
    .testTarget(
      name: "GradingTests",
      dependencies: ["Grading", "References", "Autograd", "Datasets", "WorkbookKit"]
        + (1...5).map { .target(name: "Exercise\($0)") }),
    .testTarget(name: "WorkbookTests", dependencies: ["WorkbookKit", "Grading", "Charts", "References"]),
    // A grading program whose "student code" misbehaves on purpose: it
    // crashes, hangs, exits, or forges reports (Tests/GradingFixture).
    .executableTarget(
      name: "grading-fixture", dependencies: ["WorkbookKit", "Grading", "Autograd", "Datasets", "References"],
      path: "Tests/GradingFixture"),
  ]

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
    .target(name: "Charts"),
    // What the demos measure runs with: the engine's own baselines, an SGD
    // that records its gradient, distances and angles between parameters.
    .target(name: "Measures", dependencies: ["Autograd", "Datasets"], swiftSettings: optimized),

    // The graders: checks, the answer key, mistake diagnosis, isolation.
    .target(name: "Grading", dependencies: ["Autograd", "Datasets"]),
    // The `workbook` command: list, check, hint, watch, run (demos), grade, bench.
    .target(
      name: "WorkbookKit",
      dependencies: ["Autograd", "Datasets", "Charts", "Measures", "Grading"] + (isHandout ? [] : ["References"]),
      swiftSettings: engineBuild + (isHandout ? [.define("WORKBOOK_HANDOUT")] : [])),
    // It links no student code: it builds and runs the runners below.
    .executableTarget(name: "workbook", dependencies: ["WorkbookKit"]),

    // Told how the engine was built, to pick the fingerprint recorded for it.
    .testTarget(name: "AutogradTests", dependencies: ["Autograd"], swiftSettings: engineBuild),
    .testTarget(name: "DatasetsTests", dependencies: ["Datasets", "Autograd"]),
    .testTarget(name: "ChartsTests", dependencies: ["Charts"]),
    // What a student runs: every check of every exercise on their code,
    // each exercise through its runner, as `workbook check` grades it.
    .testTarget(name: "ExerciseTests", dependencies: ["WorkbookKit", "Grading"]),
  ] + referenceTargets + exerciseTargets + runnerTargets,
  swiftLanguageModes: [.v5]
)
