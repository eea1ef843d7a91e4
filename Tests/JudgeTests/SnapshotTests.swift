import Harness
@testable import Judge
import Testing

/// A digest stands for a gradient in long runs and in the clipping the
/// judge hands out: two gradients that differ must not share one.
@Suite("Snapshot digests")
struct SnapshotTests {
  static func digest(_ values: [Double]) -> [Double] { Snapshot([values], whole: false).flat }

  @Test("Gradients with an inf or a NaN in different places have different digests")
  func nonFinitePlaces() {
    let a = Self.digest([.nan, 1, 2, .infinity])
    let b = Self.digest([1, .nan, 2, .infinity])
    let c = Self.digest([.nan, 1, 2, -.infinity])
    #expect(Agreement.distance(a, a) == 0)
    #expect(Agreement.distance(a, b) == .infinity)
    #expect(Agreement.distance(a, c) == .infinity)
  }

  @Test("With the same non-finite places, the finite entries still tell gradients apart")
  func finitePartCounts() {
    let a = Self.digest([.nan, 1, 2])
    let b = Self.digest([.nan, 1, 3])
    #expect(Agreement.distance(a, b) > 0.1)
  }

  @Test("A finite gradient's digest is its norm and four projections, as before")
  func finiteUnchanged() {
    let d = Self.digest([3, 4])
    #expect(d.count == 1 + Snapshot.directionCount)
    #expect(d[0] == 5)
  }
}
