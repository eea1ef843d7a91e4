import Autograd
import Foundation
import Testing
@testable import Datasets

@Suite("Reber grammar")
struct ReberGrammarTests {
  static func make(count: Int, lengths: ClosedRange<Int> = 5...20, seed: UInt64 = 0) throws -> SequenceDataset {
    var rng = SplitMix64(seed: seed)
    return try SequenceDataset.reberGrammar(count: count, lengths: lengths, rng: &rng)
  }

  /// Walks the grammar's graph: the number of two-way branches the string
  /// took, or nil if the string is not in the grammar.
  static func branches(_ s: [Int]) -> Int? {
    // state → [token: next state]; -1 is the end.
    let graph: [[Int: Int]] = [[1: 1, 2: 2], [3: 1, 4: 3], [1: 2, 5: 4], [4: 2, 3: 5], [2: 3, 5: 5], [6: -1]]
    guard s.first == 0 else { return nil }
    var state = 0, count = 0
    for token in s.dropFirst() {
      guard state >= 0, let next = graph[state][token] else { return nil }
      if graph[state].count == 2 { count += 1 }
      state = next
    }
    return state == -1 ? count : nil
  }

  @Test("every string is in the grammar: B, a walk of the graph, E", arguments: [5...20, 10...15, 5...5, 25...30])
  func inGrammar(lengths: ClosedRange<Int>) throws {
    let set = try Self.make(count: 200, lengths: lengths)
    #expect(set.count == 200)
    #expect(set.vocabulary == ["B", "T", "P", "S", "X", "V", "E"])
    for (n, s) in set.sequences.enumerated() {
      #expect(Self.branches(s) != nil, "sequence \(n): \(s.map { set.vocabulary[$0] }.joined())")
      #expect(lengths.contains(s.count), "sequence \(n) has length \(s.count)")
    }
  }

  @Test("a seed fixes the set; another seed gives another")
  func seeded() throws {
    #expect(try Self.make(count: 50, seed: 1).sequences == Self.make(count: 50, seed: 1).sequences)
    #expect(try Self.make(count: 50, seed: 1).sequences != Self.make(count: 50, seed: 2).sequences)
  }

  @Test("the default lengths, over 10,000 strings: 5 to 20, mean 7.9, a quarter of length 5")
  func lengthSpread() throws {
    let lengths = try Self.make(count: 10_000).lengths
    let mean = Double(lengths.reduce(0, +)) / Double(lengths.count)
    let shortest = Double(lengths.filter { $0 == 5 }.count) / Double(lengths.count)
    let long = Double(lengths.filter { $0 >= 16 }.count) / Double(lengths.count)
    #expect(lengths.min() == 5 && lengths.max() == 20)
    #expect(mean > 7.7 && mean < 8.1, "mean length \(mean)")  // measured 7.90
    #expect(shortest > 0.22 && shortest < 0.27, "share of length 5: \(shortest)")  // measured 0.244
    #expect(long > 0.02 && long < 0.045, "share of length 16 or more: \(long)")  // measured 0.032
  }

  @Test("micro-batches of 4 sequences differ in tokens: over 100 windows of 16, the largest holds 1.4–1.8× the smallest (median)")
  func tokenCountsDiffer() throws {
    let set = try Self.make(count: 1600)
    let ratios = try (0..<100).map { w -> Double in
      let counts = try set.microBatches(Array((w * 16)..<((w + 1) * 16)), parts: 4, context: 1).map(\.tokenCount)
      return Double(counts.max()!) / Double(counts.min()!)
    }.sorted()
    // Measured on 10,000 strings and seeds 0, 1, 2: median 1.53–1.57,
    // 10th percentile 1.25, 90th 2.0, largest 2.8–3.1.
    #expect(ratios[50] > 1.4 && ratios[50] < 1.8, "median ratio \(ratios[50])")
    #expect(ratios[90] >= 1.8, "90th percentile \(ratios[90])")
  }

  @Test("grammarLoss is log 2 per two-way branch over all targets, about 0.59")
  func grammarLoss() throws {
    let set = try Self.make(count: 300)
    let branching = set.sequences.reduce(0) { $0 + Self.branches($1)! }
    let targets = set.lengths.reduce(0) { $0 + $1 - 1 }
    let expected = Double(branching) * log(2) / Double(targets)
    #expect(abs(try #require(set.grammarLoss) - expected) < 1e-12)
    #expect(expected > 0.55 && expected < 0.63, "\(expected)")
  }

  @Test("bad arguments throw, naming the call", arguments: [(0, 5...20), (10, 4...20), (10, 31...40)])
  func badArguments(count: Int, lengths: ClosedRange<Int>) throws {
    let error = #expect(throws: DatasetError.self) { try Self.make(count: count, lengths: lengths) }
    #expect(error?.description.contains("reberGrammar(count: \(count), lengths: \(lengths))") == true)
  }
}
