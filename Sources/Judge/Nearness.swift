/// How near a mistake's runs come to the student's in the scenarios where
/// the student is wrong, to rank mistakes that each explain one of them:
/// more scenarios matched first, then fewer that differ in kind (a throw,
/// a step more), then the smaller sum of the other distances.
struct Nearness: Comparable {
  var matched: Int
  var inKind: Int
  var total: Double

  init(matched: Int, distances: [Double]) {
    self.matched = matched
    let finite = distances.filter(\.isFinite)
    inKind = finite.count
    total = finite.reduce(0, +)
  }

  /// `a < b`: a is the farther of the two. Totals within a millionth of
  /// each other are a tie, so two mistakes alike here are both named.
  static func < (a: Nearness, b: Nearness) -> Bool {
    if a.matched != b.matched { return a.matched < b.matched }
    if a.inKind != b.inKind { return a.inKind < b.inKind }
    return a.total > b.total * (1 + 1e-6) + 1e-300
  }

  static func == (a: Nearness, b: Nearness) -> Bool { !(a < b) && !(b < a) }
}
