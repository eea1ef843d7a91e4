import Contract

extension Facts {
  /// Exercise 7's reports: the names, the counts of non-finite entries and
  /// the first non-finite parameter are decisions, the same or not; the
  /// norms and ratios are numbers, compared as numbers.
  static func ending(_ reports: [GradientReport]) -> (String, [Double]) {
    let decisions = reports.map { report in
      report.parameters.map { "\($0.name) \($0.nonFinite)" }.joined(separator: ", ")
        + "; first non-finite " + (report.firstNonFinite ?? "none")
    }
    let numbers = reports.flatMap { report in
      report.parameters.flatMap { [$0.gradNorm, $0.paramNorm, $0.updateRatio] }
        + [report.globalNormBefore, report.globalNormAfter]
    }
    return ("returned \(reports.count) report(s) [\(decisions.joined(separator: " | "))]", numbers)
  }
}
