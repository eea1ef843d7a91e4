import Grading

extension Command {
  /// The demo options that only some exercises' demos read, and which ones.
  ///
  /// Rejecting `--sweep` on ex3 is kinder than ignoring it: the person
  /// learns that the option exists elsewhere instead of wondering why
  /// nothing changed.
  static let exerciseSpecificOptions: [String: Set<Exercise>] = [
    "--accumulation-steps": [.ex3, .ex4, .ex5],
    "--sweep": [.ex1],
    "--momentum": [.ex1],
    "--no-scaling": [.ex3],
    "--init-scale": [.ex5],
    "--growth-interval": [.ex5],
    "--clip-before-unscale": [.ex5],
  ]

  static func runOptions(_ arguments: Arguments) throws(UsageError) -> RunOptions {
    guard let exercise = try arguments.exercise(at: 0) else { throw .missingArgument("<exercise>", verb: .run) }
    for pair in [("--reference", "--mine"), ("--color", "--no-color")] where arguments.has(pair.0) && arguments.has(pair.1) {
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
    demo.steps = try arguments.integer("--steps", atLeast: 1)
    demo.learningRate = try arguments.positive("--lr")
    demo.threshold = try arguments.positive("--threshold")
    demo.accumulationSteps = try arguments.integer("--accumulation-steps", atLeast: 1)
    demo.momentum = try arguments.value("--momentum", expected: "a number in [0, 1)") { text in
      Double(text).flatMap { (0..<1).contains($0) ? $0 : nil }
    }
    demo.sweep = arguments.has("--sweep")
    demo.noScaling = arguments.has("--no-scaling")
    demo.initScale = try arguments.positive("--init-scale")
    demo.growthInterval = try arguments.integer("--growth-interval", atLeast: 1)
    demo.clipBeforeUnscale = arguments.has("--clip-before-unscale")
    demo.svgPath = arguments.values["--svg"]
    demo.csvPath = arguments.values["--csv"]
    options.demo = demo
    return options
  }
}
