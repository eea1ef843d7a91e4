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
/// engine, the datasets, the measures (the demos' per-step tools and the
/// grading snapshots' projections) and the reference solutions.
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
  "ex5-mixed-precision", "ex6-accumulation-limits",
  "ex7-gradient-health",
]

/// Each folder's exercise number, from its name ("ex7-…" is 7): the
/// optional labs need not follow one another.
let exerciseNumbers = exerciseFolders.map { Int($0.dropFirst(2).prefix(while: \.isNumber))! }

/// ExerciseN from Exercises/, SolutionN from Solutions/: same files, same
/// API. No exercise module depends on another: exercise 4 is handed its
/// clipping function, so each compiles (or fails to) on its own.
let exerciseTargets: [Target] = zip(exerciseNumbers, exerciseFolders).flatMap { number, folder -> [Target] in
  let engine: [Target.Dependency] = ["Autograd", "Datasets", "Contract"]
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
/// does not compile costs no other. The demos of exercises 2, 4 and 5 clip
/// by norm with the student's own exercise 1, so their demo runners
/// (`workbook-exN-with-ex1`) link it too; `workbook-ex4-with-ex1` also
/// says (unscored) whether exercise 4 passes with the student's clipping.
let runners: [(name: String, exercises: [Int])] = [
  ("workbook-ex1", [1]), ("workbook-ex2", [2]), ("workbook-ex3", [3]), ("workbook-ex4", [4]), ("workbook-ex5", [5]),
  ("workbook-ex6", [6]),
  ("workbook-ex2-with-ex1", [1, 2]), ("workbook-ex4-with-ex1", [1, 4]), ("workbook-ex5-with-ex1", [1, 5]),
  ("workbook-ex7", [7]), ("workbook-ex7-with-ex1", [1, 7]),
]
let runnerTargets: [Target] = runners.map { runner in
  .executableTarget(
    name: runner.name, dependencies: ["WorkbookKit", "Harness", "Autograd", "Contract"] + runner.exercises.map(graded),
    path: "Sources/Runners/\(runner.name)",
    swiftSettings: gradeSolutions ? [.define("WORKBOOK_SOLUTIONS")] : [])
}

/// What only the full workbook has: the answer key and the tests that hold
/// wrong implementations.
let keyTargets: [Target] =
  isHandout
  ? []
  : [
    // The answer key: the reference and every known mistake, run on a
    // scenario. Only the judge's side links it (and writes its data for
    // students' copies and autograders).
    .target(
      name: "AnswerKey", dependencies: ["Judge", "Harness", "Autograd", "Datasets", "Contract"]
        + exerciseNumbers.map { .target(name: "Solution\($0)") }),
    // The judge's own proof: the reference passes, every known and every
    // student-style mistake is named, correct variants pass, stubs fail.
    .testTarget(
      name: "JudgeTests",
      dependencies: ["Judge", "AnswerKey", "Harness", "Autograd", "Datasets", "Contract", "StudentCommands"]
        + exerciseNumbers.map { .target(name: "Exercise\($0)") }),
    .testTarget(
      name: "WorkbookTests",
      dependencies: [
        "WorkbookKit", "StudentCommands", "InstructorCommands", "WorkbookCommand", "Judge", "AnswerKey", "Contract", "Charts",
        "Autograd",
      ]),
    // A runner whose "student code" misbehaves on purpose: it crashes,
    // hangs, exits, or forges observations (Tests/GradingFixture).
    .executableTarget(
      name: "grading-fixture", dependencies: ["WorkbookKit", "Harness", "Autograd", "Datasets", "Contract", "AnswerKey"],
      path: "Tests/GradingFixture"),
  ]

/// The answer key, for the judge's side of the full workbook; a student's
/// copy judges with the data in .workbook/answers instead.
let key: [Target.Dependency] = isHandout ? [] : ["AnswerKey"]
let handoutFlag: [SwiftSetting] = isHandout ? [.define("WORKBOOK_HANDOUT")] : []

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
    // The exercises' contract: the errors and records the stubs use.
    .target(name: "Contract", dependencies: ["Autograd", "Datasets"]),
    // Terminal and SVG line charts, tables.
    .target(name: "Charts"),
    // What the demos measure runs with: the engine's own baselines, an SGD
    // that records its gradient, distances and angles between parameters.
    .target(name: "Measures", dependencies: ["Autograd", "Datasets", "Contract"], swiftSettings: optimized),

    // What runs in the student's process when it is graded: scenarios built
    // from their seeds, the student's code run on them, what it did
    // reported. No verdicts, no expected values, no key.
    // Not optimized: it arranges the work; what it does to every entry
    // (the snapshots' projections) is in Measures.
    .target(name: "Harness", dependencies: ["Autograd", "Datasets", "Contract", "Measures"]),
    // The demos, the command line and the terminal: what a runner needs to
    // show an exercise's demo with the student's code.
    .target(
      name: "WorkbookKit", dependencies: ["Autograd", "Datasets", "Contract", "Charts", "Measures", "Harness"],
      swiftSettings: engineBuild),

    // The judge: checks, verdicts and diagnoses from observations and
    // answers, and the parent side of the runners' protocol.
    .target(name: "Judge", dependencies: ["Harness", "Contract", "Measures"]),
    // What a student runs: list, check, hint, watch, run, reset.
    .target(
      name: "StudentCommands", dependencies: ["WorkbookKit", "Judge", "Harness", "Charts", "Contract"] + key,
      swiftSettings: handoutFlag),
    // What an instructor runs: grade, handout, autograder, bench.
    .target(
      name: "InstructorCommands",
      dependencies: ["StudentCommands", "WorkbookKit", "Judge", "Harness", "Charts", "Contract", "Autograd", "Datasets"]
        + key, swiftSettings: engineBuild + handoutFlag),
    // The command line's dispatch to the verbs.
    .target(name: "WorkbookCommand", dependencies: ["StudentCommands", "InstructorCommands", "WorkbookKit", "Harness"]),
    // It links no student code: it builds and runs the runners below.
    .executableTarget(name: "workbook", dependencies: ["WorkbookCommand"]),

    // Told how the engine was built, to pick the fingerprint recorded for it.
    .testTarget(name: "AutogradTests", dependencies: ["Autograd", "Contract"], swiftSettings: engineBuild),
    .testTarget(name: "DatasetsTests", dependencies: ["Datasets", "Autograd"]),
    .testTarget(name: "ChartsTests", dependencies: ["Charts"]),
    // What a student runs: every check of every exercise on their code,
    // each exercise through its runner, as `workbook check` grades it.
    .testTarget(name: "ExerciseTests", dependencies: ["StudentCommands", "Judge"] + key, swiftSettings: handoutFlag),
  ] + keyTargets + exerciseTargets + runnerTargets,
  swiftLanguageModes: [.v5]
)
