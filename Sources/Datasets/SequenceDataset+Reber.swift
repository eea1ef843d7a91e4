import Autograd
import Foundation

extension SequenceDataset {
  /// Strings of the Reber grammar (Reber, 1967), the small finite-state
  /// grammar on which Hochreiter & Schmidhuber (1997) tested LSTM's
  /// next-symbol prediction, as they did with the adding problem.
  ///
  /// Vocabulary: B, T, P, S, X, V, E (tokens 0…6). A string starts with B,
  /// walks the graph below choosing each branch with probability ½, and
  /// ends with E:
  ///
  ///     B → 0;  0: T → 1 | P → 2;  1: S → 1 | X → 3;  2: T → 2 | V → 4
  ///     3: X → 2 | S → 5;  4: P → 3 | V → 5;  5: E (end)
  ///
  /// e.g. B T X S E, B P V V E, B T S S X X T V V E. A model that knows the
  /// state predicts every token but E with probability ½ and E with 1, so
  /// the best loss is about 0.6 per token against log 7 ≈ 1.95 for
  /// guessing; `grammarLoss` holds the exact figure for the set. The last
  /// two or three tokens name the state almost always, so an MLP on a
  /// window of them gets close.
  ///
  /// Lengths vary as the loops make them: strings are drawn until one has
  /// a length in `lengths` (the grammar's shortest is 5). With the default
  /// 5...20, over 10,000 strings: min 5, max 20, mean 7.9, median 7, a
  /// quarter of them of length 5, 3 % of 16 or more. Short strings
  /// dominate and long ones are up to four times longer, as in real text,
  /// so micro-batches hold quite different numbers of tokens: cut a window
  /// of 16 strings into 4 micro-batches and the largest holds 1.5–1.6×
  /// the tokens of the smallest (the median over windows; 2× at the 90th
  /// percentile, up to 3×); with one string per micro-batch, 3.5×. See
  /// Tests/DatasetsTests/ReberGrammarTests.swift.
  ///
  /// Draws: one `int(below: 2)` per branch, strings in order, rejected
  /// ones included.
  ///
  /// - Throws: `DatasetError.invalidArgument` if `count` is below 1, or
  ///   `lengths` starts below 5 (no Reber string is shorter) or above 30
  ///   (so few strings are that long that drawing them would take minutes).
  public static func reberGrammar(
    count: Int, lengths: ClosedRange<Int> = 5...20, rng: inout SplitMix64
  ) throws -> SequenceDataset {
    let call = "reberGrammar(count: \(count), lengths: \(lengths))"
    guard count >= 1 else { throw DatasetError.invalidArgument(call: call, detail: "count must be at least 1") }
    guard lengths.lowerBound >= 5 else {
      throw DatasetError.invalidArgument(call: call, detail: "the shortest Reber string has 5 tokens")
    }
    guard lengths.lowerBound <= 30 else {
      throw DatasetError.invalidArgument(
        call: call, detail: "lengths must start at 30 or below: longer Reber strings are too rare to draw")
    }
    var sequences: [[Int]] = []
    var branchingTargets = 0, targets = 0
    while sequences.count < count {
      let (string, branching) = reberString(&rng)
      guard lengths.contains(string.count) else { continue }
      sequences.append(string)
      branchingTargets += branching
      targets += string.count - 1
    }
    return SequenceDataset(
      checked: sequences, vocabulary: ["B", "T", "P", "S", "X", "V", "E"], name: call,
      grammarLoss: Double(branchingTargets) * Foundation.log(2) / Double(targets))
  }

  /// The Reber graph: each state's branches as (token, next state), next
  /// state `nil` for the end. Tokens: B 0, T 1, P 2, S 3, X 4, V 5, E 6.
  private static let reberBranches: [[(token: Int, next: Int?)]] = [
    [(1, 1), (2, 2)],
    [(3, 1), (4, 3)],
    [(1, 2), (5, 4)],
    [(4, 2), (3, 5)],
    [(2, 3), (5, 5)],
    [(6, nil)],
  ]

  /// One string, and how many of its tokens came from a two-way branch
  /// (each costs log 2 to a model that knows the state; E costs nothing).
  private static func reberString(_ rng: inout SplitMix64) -> (tokens: [Int], branching: Int) {
    var tokens = [0]  // B
    var branching = 0
    var state: Int? = 0
    while let current = state {
      let branches = reberBranches[current]
      let pick = branches.count == 1 ? 0 : rng.int(below: branches.count)
      if branches.count > 1 { branching += 1 }
      tokens.append(branches[pick].token)
      state = branches[pick].next
    }
    return (tokens, branching)
  }
}
