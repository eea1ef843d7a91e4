import Autograd
import Harness

extension Command {
  /// The demo options that only some exercises' demos read, and which ones.
  ///
  /// Rejecting `--sweep` on ex3 is kinder than ignoring it: the person
  /// learns that the option exists elsewhere instead of wondering why
  /// nothing changed.
  static let exerciseSpecificOptions: [String: Set<Exercise>] = [
    "--accumulation-steps": [.ex3, .ex4, .ex5, .ex6],
    "--sweep": [.ex1],
    "--lrs": [.ex1],
    "--outliers": [.ex2],
    "--clip-contributions": [.ex4],
    "--momentum": [.ex1],
    "--no-scaling": [.ex3],
    "--init-scale": [.ex5],
    "--growth-interval": [.ex5],
    "--clip-before-unscale": [.ex5],
    "--length": [.ex1],
    "--hidden": [.ex1],
    "--norm": [.ex6],
    "--clipping": [.ex7],
  ]

  /// The most seeds `--seeds` takes: 100 runs of the longest demo take
  /// several minutes already.
  static let maxSeeds = 100

  static func runOptions(_ arguments: Arguments) throws(UsageError) -> RunOptions {
    guard let exercise = try arguments.exercise(at: 0) else { throw .missingArgument("<exercise>", verb: .run) }
    for pair in [("--reference", "--mine"), ("--color", "--no-color")] where arguments.has(pair.0) && arguments.has(pair.1) {
      throw .conflictingOptions(pair.0, pair.1, verb: .run)
    }
    // A learning-rate sweep sets the rate and trains two runs per rate:
    // neither one rate nor a sweep of thresholds on top means anything.
    for other in ["--lr", "--sweep"] where arguments.values["--lrs"] != nil
    && (arguments.has(other) || arguments.values[other] != nil) {
      throw .conflictingOptions(other, "--lrs", verb: .run)
    }
    // One file per run: several seeds would overwrite it.
    for pair in [("--seed", "--seeds"), ("--svg", "--seeds"), ("--csv", "--seeds")]
    where arguments.values[pair.0] != nil && arguments.values[pair.1] != nil {
      throw .conflictingOptions(pair.0, pair.1, verb: .run)
    }
    for (option, exercises) in exerciseSpecificOptions.sorted(by: { $0.key < $1.key })
    where (arguments.has(option) || arguments.values[option] != nil) && !exercises.contains(exercise) {
      let sorted = exercises.sorted().map(\.name)
      let names = sorted.count > 1 ? sorted.dropLast().joined(separator: ", ") + " and " + sorted.last! : sorted[0]
      throw .notApplicable(option: option, exercise: exercise.name, appliesTo: names, verb: .run)
    }

    var options = RunOptions(exercise: exercise)
    if arguments.has("--reference") { options.source = .reference }
    if arguments.has("--mine") { options.source = .mine }
    if arguments.has("--color") { options.color = true }
    if arguments.has("--no-color") { options.color = false }

    var demo = DemoOptions()
    demo.seed = try arguments.value("--seed", expected: "a whole number ≥ 0", UInt64.init) ?? demo.seed
    demo.seeds = try arguments.value(
      "--seeds", expected: "seeds like 1-20 or 1,2,5 (whole numbers ≥ 0, at most \(maxSeeds))", seedList)
    demo.steps = try arguments.integer("--steps", atLeast: 1)
    demo.learningRate = try arguments.positive("--lr")
    demo.threshold = try arguments.positive("--threshold")
    demo.accumulationSteps = try arguments.integer(
      "--accumulation-steps", in: Demos.accumulationStepsRange(exercise), what: Demos.accumulationStepsLimit(exercise))
    demo.momentum = try arguments.value("--momentum", expected: "a number in [0, 1)") { text in
      Double(text).flatMap { (0..<1).contains($0) ? $0 : nil }
    }
    demo.length = try arguments.integer("--length", in: Demos.lengthRange, what: "two halves with a marker each")
    demo.hidden = try arguments.integer("--hidden", in: Demos.hiddenRange, what: nil)
    demo.sweep = arguments.has("--sweep")
    demo.learningRates = try arguments.value(
      "--lrs", expected: "learning rates > 0 like 0.01,0.03,0.1,0.3 (2 to \(maxLearningRates), each once)",
      learningRateList)
    demo.outliers = arguments.has("--outliers")
    demo.clipContributions = arguments.has("--clip-contributions")
    demo.noScaling = arguments.has("--no-scaling")
    demo.initScale = try arguments.positive("--init-scale")
    demo.growthInterval = try arguments.integer("--growth-interval", atLeast: 1)
    demo.clipBeforeUnscale = arguments.has("--clip-before-unscale")
    demo.norm = try arguments.value("--norm", expected: "batch or layer", Sequential.Norm.init(rawValue:))
    demo.agcClipping = try arguments.positive("--clipping")
    demo.svgPath = try arguments.value("--svg", expected: fileExpected) { $0 == "-" ? nil : $0 }
    demo.csvPath = try arguments.value("--csv", expected: fileExpected) { $0 == "-" ? nil : $0 }
    options.demo = demo
    return options
  }

  /// Why `-` is not standard output here: the demo's text is.
  private static let fileExpected = "a file name (the demo's text goes to standard output)"

  /// The most rates `--lrs` takes: two runs each, and one colour each in
  /// the chart.
  static let maxLearningRates = 6

  /// "0.01,0.03,0.1,0.3": finite rates above 0, each once, 2 to
  /// `maxLearningRates` of them, sorted (the table reads small to large).
  static func learningRateList(_ text: String) -> [Double]? {
    var rates: [Double] = []
    for part in text.split(separator: ",", omittingEmptySubsequences: false) {
      guard let rate = Double(part), rate.isFinite, rate > 0, !rates.contains(rate) else { return nil }
      rates.append(rate)
    }
    return (2...maxLearningRates).contains(rates.count) ? rates.sorted() : nil
  }

  /// "1-20", "1,2,5" or both ("1-5,9"), each seed once, in the order given.
  static func seedList(_ text: String) -> [UInt64]? {
    var seeds: [UInt64] = []
    for part in text.split(separator: ",", omittingEmptySubsequences: false) {
      let ends = part.split(separator: "-", omittingEmptySubsequences: false)
      guard (1...2).contains(ends.count), let first = UInt64(ends[0]), let last = UInt64(ends[ends.count - 1]),
        first <= last, last - first < UInt64(maxSeeds)
      else { return nil }
      for seed in first...last where !seeds.contains(seed) { seeds.append(seed) }
      guard seeds.count <= maxSeeds else { return nil }
    }
    return seeds.isEmpty ? nil : seeds
  }
}

extension Arguments {
  /// A whole number in `range`; `what` says why the range ends there.
  func integer(_ option: String, in range: ClosedRange<Int>, what: String?) throws(UsageError) -> Int? {
    try value(option, expected: "a whole number from \(range.lowerBound) to \(range.upperBound)" + (what.map { " (\($0))" } ?? "")) {
      Int($0).flatMap { range.contains($0) ? $0 : nil }
    }
  }
}
