/// Where a check's seeds come from: the fixed ones every student's copy
/// holds, or ones drawn when an autograder bundle was made, which no copy
/// holds, so that code which hard-codes the public answers fails there.
public struct Seeds: Sendable, Codable, Equatable {
  /// nil for the public seeds; else the bundle's draw.
  public var draw: UInt64?

  public static let `public` = Seeds(draw: nil)

  public init(draw: UInt64?) { self.draw = draw }

  /// The check's seeds: `fixed` itself, or as many others, derived from
  /// the draw and `salt` (the check's id, so checks differ).
  public func pick(_ fixed: [UInt64], salt: String) -> [UInt64] {
    guard let draw else { return fixed }
    var state = draw ^ salt.utf8.reduce(0xCBF2_9CE4_8422_2325 as UInt64) { ($0 ^ UInt64($1)) &* 0x100_0000_01B3 }
    return fixed.map { _ in
      state &+= 0x9E37_79B9_7F4A_7C15
      var z = state
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      // Small enough to read in a message, far from the public ones.
      return 1000 + (z ^ (z >> 31)) % 1_000_000
    }
  }
}
