import Autograd
import Foundation
import Testing
@testable import Datasets

@Suite("Splitting batches into micro-batches")
struct BatchSplitTests {
  /// A batch of `count` samples with non-round values, so a copy that went
  /// through arithmetic would show in the bits.
  static func batch(count: Int, seed: UInt64 = 4) throws -> Batch {
    var rng = SplitMix64(seed: seed)
    let set = try Dataset.regression(count: count, features: 3, outlierFraction: 0.2, rng: &rng)
    return set.batch(Array(0..<count))
  }

  static func expectIdentical(_ a: Batch, _ b: Batch) {
    #expect(a.inputs.shape == b.inputs.shape)
    #expect(a.targets.shape == b.targets.shape)
    #expect(a.inputs.data.map(\.bitPattern) == b.inputs.data.map(\.bitPattern))
    #expect(a.targets.data.map(\.bitPattern) == b.targets.data.map(\.bitPattern))
  }

  @Test(
    "split(into:) gives numpy.array_split sizes and concatenates back bit for bit",
    arguments: [
      (8, 1, [8]), (8, 2, [4, 4]), (8, 4, [2, 2, 2, 2]), (8, 8, [1, 1, 1, 1, 1, 1, 1, 1]),
      (10, 3, [4, 3, 3]), (7, 2, [4, 3]), (11, 4, [3, 3, 3, 2]), (1, 1, [1]),
    ])
  func splitInto(count: Int, parts: Int, sizes: [Int]) throws {
    let batch = try Self.batch(count: count)
    let micro = try batch.split(into: parts)
    #expect(micro.map(\.count) == sizes)
    Self.expectIdentical(try Batch.concatenated(micro), batch)
  }

  @Test(
    "split(sizes:) keeps samples in order and concatenates back bit for bit",
    arguments: [[1, 5, 2], [8], [7, 1], [1, 1, 6]])
  func splitSizes(sizes: [Int]) throws {
    let batch = try Self.batch(count: 8)
    let micro = try batch.split(sizes: sizes)
    #expect(micro.map(\.count) == sizes)
    #expect(micro[0].inputs.data == Array(batch.inputs.data.prefix(sizes[0] * 3)))
    Self.expectIdentical(try Batch.concatenated(micro), batch)
  }

  @Test("sequence batches [B, T, F] split and concatenate back bit for bit", arguments: [1, 2, 3, 5])
  func splitSequences(parts: Int) throws {
    var rng = SplitMix64(seed: 6)
    let set = try Dataset.addingProblem(count: 5, length: 6, rng: &rng)
    let batch = set.batch([4, 2, 0, 1, 3])
    let micro = try batch.split(into: parts)
    #expect(micro.allSatisfy { $0.inputs.shape.dropFirst() == [6, 2] && $0.targets.shape.dropFirst() == [1] })
    Self.expectIdentical(try Batch.concatenated(micro), batch)
  }

  @Test("split(into: 0) names the value: the number of micro-batches must be at least 1")
  func zeroParts() throws {
    let batch = try Self.batch(count: 8)
    let error = #expect(throws: DatasetError.invalidPartCount(parts: 0, count: 8)) { try batch.split(into: 0) }
    #expect(error?.description == "split(into: 0): the number of micro-batches must be at least 1")
  }

  @Test("split(into:) with more parts than samples throws, naming both", arguments: [9, 100])
  func tooManyParts(parts: Int) throws {
    let batch = try Self.batch(count: 8)
    let error = #expect(throws: DatasetError.invalidPartCount(parts: parts, count: 8)) { try batch.split(into: parts) }
    #expect(error?.description.hasPrefix("split(into: \(parts)): the batch holds 8 samples") == true)
  }

  @Test(
    "split(sizes:) that do not add up to the batch throws with the sum",
    arguments: [([3, 4], 7), ([5, 4], 9), ([], 0)])
  func sizesDoNotAddUp(sizes: [Int], total: Int) throws {
    let batch = try Self.batch(count: 8)
    let error = #expect(throws: DatasetError.sizesDoNotAddUp(sizes: sizes, total: total, count: 8)) {
      try batch.split(sizes: sizes)
    }
    #expect(error?.description == "split(sizes: \(sizes)): sizes add up to \(total), the batch holds 8")
  }

  @Test(
    "split(sizes:) with a size below 1 throws, naming the size and its position",
    arguments: [([3, 0, 5], 1), ([-1, 9], 0)])
  func nonPositiveSize(sizes: [Int], position: Int) throws {
    let batch = try Self.batch(count: 8)
    let error = #expect(throws: DatasetError.nonPositiveSize(sizes: sizes, position: position)) {
      try batch.split(sizes: sizes)
    }
    #expect(
      error?.description
        == "split(sizes: \(sizes)): size \(sizes[position]) at position \(position) must be at least 1")
  }

  @Test("concatenating nothing throws")
  func concatenateNothing() {
    #expect(throws: DatasetError.nothingToConcatenate) { try Batch.concatenated([]) }
  }

  @Test("concatenating batches of different per-sample shapes throws, naming the batch")
  func concatenateMismatch() throws {
    let a = try Self.batch(count: 2)
    let b = try Batch(inputs: .zeros([3, 4]), targets: .zeros([3, 1]))
    let error = #expect(throws: DatasetError.self) { try Batch.concatenated([a, a, b]) }
    #expect(error?.description.contains("batch 2 has per-sample shape [4], batch 0 has [3]") == true)
  }

  @Test("errors show their message through localizedDescription, as on Linux")
  func localized() {
    let error: Error = DatasetError.invalidPartCount(parts: 0, count: 8)
    #expect(error.localizedDescription == "split(into: 0): the number of micro-batches must be at least 1")
  }
}
