import Autograd
import Testing
@testable import Datasets

@Suite("Adding problem")
struct AddingProblemTests {
  static let count = 32

  static func make(length: Int, seed: UInt64 = 3) throws -> Dataset {
    var rng = SplitMix64(seed: seed)
    return try Dataset.addingProblem(count: count, length: length, rng: &rng)
  }

  /// Channel `c` of sequence `n` as an array over time.
  static func channel(_ set: Dataset, sample n: Int, _ c: Int) -> [Double] {
    let length = set.inputs.shape[1]
    return (0..<length).map { set.inputs.data[(n * length + $0) * 2 + c] }
  }

  @Test("inputs are [N, T, 2] and targets [N, 1]", arguments: [2, 3, 10, 31])
  func shapes(length: Int) throws {
    let set = try Self.make(length: length)
    #expect(set.inputs.shape == [Self.count, length, 2])
    #expect(set.targets.shape == [Self.count, 1])
    #expect(set.count == Self.count)
  }

  @Test("every sequence has exactly two markers, one in each half", arguments: [2, 3, 10, 31])
  func markers(length: Int) throws {
    let set = try Self.make(length: length)
    for n in 0..<Self.count {
      let marks = Self.channel(set, sample: n, 1)
      #expect(marks.allSatisfy { $0 == 0 || $0 == 1 }, "sample \(n): \(marks)")
      let positions = marks.indices.filter { marks[$0] == 1 }
      try #require(positions.count == 2, "sample \(n): markers at \(positions)")
      #expect(positions[0] < length / 2 && positions[1] >= length / 2, "sample \(n): markers at \(positions)")
    }
  }

  @Test("the target is the sum of the two marked values", arguments: [2, 3, 10, 31])
  func target(length: Int) throws {
    let set = try Self.make(length: length)
    for n in 0..<Self.count {
      let values = Self.channel(set, sample: n, 0)
      let marks = Self.channel(set, sample: n, 1)
      let sum = zip(values, marks).reduce(0) { $0 + $1.0 * $1.1 }
      #expect(abs(set.targets.data[n] - sum) < 1e-12, "sample \(n)")
    }
  }

  @Test("channel-0 values lie in [0, 1)", arguments: [2, 3, 10, 31])
  func valueRange(length: Int) throws {
    let set = try Self.make(length: length)
    for n in 0..<Self.count {
      #expect(Self.channel(set, sample: n, 0).allSatisfy { $0 >= 0 && $0 < 1 }, "sample \(n)")
    }
  }

  @Test("always predicting 1 scores an MSE near 1/6, the documented baseline")
  func baseline() throws {
    var rng = SplitMix64(seed: 11)
    let set = try Dataset.addingProblem(count: 4000, length: 4, rng: &rng)
    let mse = set.targets.data.reduce(0) { $0 + ($1 - 1) * ($1 - 1) } / Double(set.count)
    #expect(abs(mse - 1.0 / 6) < 0.015, "MSE of predicting 1 was \(mse)")
  }

  @Test("a sequence shorter than 2 steps throws, naming the length", arguments: [-1, 0, 1])
  func tooShort(length: Int) throws {
    let error = #expect(throws: DatasetError.self) { try Self.make(length: length) }
    #expect(error?.description.contains("length: \(length))") == true, "\(String(describing: error))")
  }

  @Test("a count below 1 throws", arguments: [0, -3])
  func badCount(count: Int) throws {
    var rng = SplitMix64(seed: 0)
    #expect(throws: DatasetError.invalidArgument(
      call: "addingProblem(count: \(count), length: 5)", detail: "count must be at least 1")
    ) {
      try Dataset.addingProblem(count: count, length: 5, rng: &rng)
    }
  }
}
