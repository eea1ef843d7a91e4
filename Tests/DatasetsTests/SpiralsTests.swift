import Autograd
import Foundation
import Testing
@testable import Datasets

@Suite("Spirals")
struct SpiralsTests {
  static let pointsPerClass = 40

  static func make(classes: Int) throws -> Dataset {
    var rng = SplitMix64(seed: 5)
    return try Dataset.spirals(classes: classes, pointsPerClass: pointsPerClass, rng: &rng)
  }

  @Test("inputs are [N, 2] and targets [N]", arguments: [1, 2, 3, 5])
  func shapes(classes: Int) throws {
    let set = try Self.make(classes: classes)
    #expect(set.inputs.shape == [classes * Self.pointsPerClass, 2])
    #expect(set.targets.shape == [classes * Self.pointsPerClass])
  }

  @Test("labels are whole class indices in 0..<classes", arguments: [1, 2, 3, 5])
  func labelRange(classes: Int) throws {
    let set = try Self.make(classes: classes)
    for label in set.targets.data {
      #expect(label == label.rounded() && label >= 0 && label < Double(classes), "label \(label)")
    }
  }

  @Test("every class has exactly pointsPerClass samples", arguments: [1, 2, 3, 5])
  func balanced(classes: Int) throws {
    let set = try Self.make(classes: classes)
    let counts = Dictionary(grouping: set.targets.data, by: { Int($0) }).mapValues(\.count)
    #expect(counts == Dictionary(uniqueKeysWithValues: (0..<classes).map { ($0, Self.pointsPerClass) }))
  }

  @Test("points lie in the unit disc, on radii spread evenly from 0 to 1")
  func radii() throws {
    let set = try Self.make(classes: 3)
    for i in 0..<set.count {
      let radius = hypot(set.inputs.data[2 * i], set.inputs.data[2 * i + 1])
      let expected = Double(i % Self.pointsPerClass) / Double(Self.pointsPerClass - 1)
      #expect(abs(radius - expected) < 1e-12, "sample \(i): radius \(radius)")
    }
  }

  @Test("the arguments are checked", arguments: [(0, 10, 0.2), (3, 0, 0.2), (3, 10, -1), (3, 10, .nan)])
  func invalid(classes: Int, points: Int, noise: Double) throws {
    var rng = SplitMix64(seed: 0)
    let error = #expect(throws: DatasetError.self) {
      try Dataset.spirals(classes: classes, pointsPerClass: points, noise: noise, rng: &rng)
    }
    #expect(error?.description.hasPrefix("spirals(classes: \(classes), pointsPerClass: \(points)") == true)
  }
}
