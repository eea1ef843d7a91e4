import Contract

extension Difference {
  /// The first field of exercise 7's reports that differs, in words.
  static func reports(_ got: [GradientReport], _ want: [GradientReport], function: String) -> String? {
    if got.count != want.count { return "\(function) gave \(got.count) report(s); expected \(want.count)." }
    for (k, (a, b)) in zip(got, want).enumerated() {
      let at = want.count > 1 ? "In report \(k + 1), " : "In the report, "
      if a.parameters.map(\.name) != b.parameters.map(\.name) {
        return at + "the parameters are \(a.parameters.map(\.name)); expected \(b.parameters.map(\.name)), the "
          + "names namedParameters() gives, in its order."
      }
      for (x, y) in zip(a.parameters, b.parameters) {
        if x.nonFinite != y.nonFinite {
          return at + "\(x.name) has nonFinite \(x.nonFinite); its gradient before clipping has \(y.nonFinite) "
            + "entries that are NaN or infinite."
        }
        for (field, u, v) in [
          ("gradNorm", x.gradNorm, y.gradNorm), ("paramNorm", x.paramNorm, y.paramNorm),
          ("updateRatio", x.updateRatio, y.updateRatio),
        ] where Agreement.distance(u, v) > 1e-12 {
          return at + "\(x.name) has \(field) \(exact(u)); expected \(exact(v))."
        }
      }
      if a.firstNonFinite != b.firstNonFinite {
        return at + "firstNonFinite is \(a.firstNonFinite.map { "“\($0)”" } ?? "nil"); expected "
          + "\(b.firstNonFinite.map { "“\($0)”" } ?? "nil")."
      }
      for (field, u, v) in [
        ("globalNormBefore", a.globalNormBefore, b.globalNormBefore),
        ("globalNormAfter", a.globalNormAfter, b.globalNormAfter),
      ] where Agreement.distance(u, v) > 1e-12 {
        return at + "\(field) is \(exact(u)); expected \(exact(v))."
      }
    }
    return nil
  }
}
