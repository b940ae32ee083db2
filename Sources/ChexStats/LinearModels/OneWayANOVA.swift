/// A summary of one group in a one-way ANOVA.
public struct GroupSummary: Sendable, Hashable {
  /// The group's label.
  public var name: String
  /// The number of observations.
  public var n: Int
  /// The arithmetic mean.
  public var mean: Double
  /// The smallest value.
  public var minimum: Double
  /// The largest value.
  public var maximum: Double
}

/// The result of a one-way analysis of variance.
public struct OneWayANOVAResult: Sendable, Hashable {
  /// F = [SSB / (k - 1)] / [SSW / (N - k)]; +infinity when every group is constant but the
  /// means differ.
  public var fStatistic: Double
  /// k - 1.
  public var betweenDegreesOfFreedom: Int
  /// N - k.
  public var withinDegreesOfFreedom: Int
  /// P(F_{k-1, N-k} > F).
  public var pValue: Double
  /// eta^2 = SSB / SST, the share of the total variance explained by group membership.
  public var etaSquared: Double
  /// The between-groups sum of squares sum_g n_g (mean_g - grand mean)^2.
  public var betweenSumOfSquares: Double
  /// The within-groups sum of squares sum_g sum_i (y_gi - mean_g)^2.
  public var withinSumOfSquares: Double
  /// Per-group n, mean and range, in the order given.
  public var groups: [GroupSummary]
}

/// One-way ANOVA: do k groups share one mean?
///
/// Assumes independent, normally distributed observations with a common variance. Equal to
/// `scipy.stats.f_oneway` for F and p.
///
/// Reference: R. A. Fisher, *Statistical Methods for Research Workers* (1925), chapter VII;
/// D. C. Montgomery, *Design and Analysis of Experiments*, 8th ed. (2012), 3.3.
public enum OneWayANOVA {
  /// Tests equality of group means.
  /// - Parameters:
  ///   - groups: the observations of each group; at least two groups, each non-empty, with more
  ///     observations than groups in total.
  ///   - names: one label per group (defaults to "group 1", "group 2", ...).
  /// - Throws: `StatisticsInputError` for fewer than 2 groups, an empty group, N <= k, a value
  ///   that is not finite, or all observations equal.
  /// - Complexity: O(N).
  public static func test(_ groups: [[Double]], names: [String]? = nil) throws -> OneWayANOVAResult {
    let function = "OneWayANOVA.test"
    let labels = names ?? groups.indices.map { "group \($0 + 1)" }
    precondition(
      labels.count == groups.count, "\(function): \(groups.count) groups but \(labels.count) names")
    guard groups.count >= 2 else {
      throw StatisticsInputError.tooFewObservations(
        function: function, argument: "groups", required: 2, found: groups.count)
    }
    for (group, label) in zip(groups, labels) {
      guard !group.isEmpty else {
        throw StatisticsInputError.tooFewObservations(
          function: function, argument: label, required: 1, found: 0)
      }
      try requireFinite(group, function: function, argument: label)
    }
    let total = groups.reduce(0) { $0 + $1.count }
    let k = groups.count
    guard total > k else {
      throw StatisticsInputError.tooFewObservations(
        function: function, argument: "groups (all together)", required: k + 1, found: total)
    }
    let grandMean = groups.reduce(0) { $0 + $1.reduce(0, +) } / Double(total)
    var between = 0.0
    var within = 0.0
    var summaries: [GroupSummary] = []
    for (group, label) in zip(groups, labels) {
      let mean = group.reduce(0, +) / Double(group.count)
      between += Double(group.count) * (mean - grandMean) * (mean - grandMean)
      within += group.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
      summaries.append(
        GroupSummary(
          name: label, n: group.count, mean: mean, minimum: group.min() ?? mean, maximum: group.max() ?? mean)
      )
    }
    guard between + within > 0 else {
      throw StatisticsInputError.constantInput(function: function, argument: "groups")
    }
    let dfBetween = k - 1
    let dfWithin = total - k
    let f = within == 0 ? Double.infinity : (between / Double(dfBetween)) / (within / Double(dfWithin))
    let p = FDistribution(
      numeratorDegreesOfFreedom: Double(dfBetween), denominatorDegreesOfFreedom: Double(dfWithin)
    ).sf(f)
    return OneWayANOVAResult(
      fStatistic: f, betweenDegreesOfFreedom: dfBetween, withinDegreesOfFreedom: dfWithin, pValue: p,
      etaSquared: between / (between + within), betweenSumOfSquares: between, withinSumOfSquares: within,
      groups: summaries)
  }
}
