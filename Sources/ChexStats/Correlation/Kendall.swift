import Foundation

/// Which p-value to report for Kendall's tau-b.
public enum KendallPValue: Sendable, Hashable {
  /// As `scipy.stats.kendalltau(method="auto")`: exact iff there are no ties and either
  /// n <= 33 or min(C, D) <= 1; otherwise the normal approximation.
  case automatic
  /// The exact null distribution; requires no ties.
  case exact
  /// The normal approximation with tie-corrected variance.
  case normalApproximation
}

extension Correlation {
  /// Kendall's tau-b = (C - D) / sqrt((n0 - n1)(n0 - n2)), where C and D count concordant and
  /// discordant pairs, n0 = n(n - 1)/2 and n1, n2 count pairs tied in x and in y.
  ///
  /// p-value as `scipy.stats.kendalltau` (see `KendallPValue`): the exact distribution of the
  /// number of discordant pairs (Mahonian numbers) doubled from the smaller tail, or
  /// z = (C - D) / sqrt(var S) with var S = [n(n-1)(2n+5) - sum t(t-1)(2t+5) - sum u(u-1)(2u+5)]
  /// / 18 + [sum t(t-1)(t-2)][sum u(u-1)(u-2)] / [9n(n-1)(n-2)] + [sum t(t-1)][sum u(u-1)] /
  /// [2n(n-1)] over tie groups t in x and u in y.
  /// - Throws: `StatisticsInputError` as `pearson`, or `optionNotApplicable` when `.exact` is
  ///   asked for with ties.
  /// - Complexity: O(n^2) pairs, plus O(n^3) for the exact p-value.
  public static func kendallTauB(_ x: [Double], _ y: [Double], pValue: KendallPValue = .automatic) throws
    -> CorrelationResult
  {
    let function = "Correlation.kendallTauB"
    try validatePairs(x, y, function: function)
    let n = x.count
    var concordant = 0
    var discordant = 0
    for i in 0..<n {
      for j in (i + 1)..<n {
        let product = (x[i] - x[j]) * (y[i] - y[j])
        if product > 0 { concordant += 1 } else if product < 0 { discordant += 1 }
      }
    }
    let xTies = Ranking.tieGroupSizes(x).map(Double.init)
    let yTies = Ranking.tieGroupSizes(y).map(Double.init)
    let n0 = Double(n) * Double(n - 1) / 2
    let n1 = xTies.reduce(0) { $0 + $1 * ($1 - 1) / 2 }
    let n2 = yTies.reduce(0) { $0 + $1 * ($1 - 1) / 2 }
    if n1 == n0 { throw StatisticsInputError.constantInput(function: function, argument: "x") }
    if n2 == n0 { throw StatisticsInputError.constantInput(function: function, argument: "y") }
    let s = Double(concordant - discordant)
    let tau = s / ((n0 - n1) * (n0 - n2)).squareRoot()
    let noTies = n1 == 0 && n2 == 0
    let smaller = min(concordant, discordant)
    let useExact: Bool
    switch pValue {
    case .automatic: useExact = noTies && (n <= 33 || smaller <= 1)
    case .normalApproximation: useExact = false
    case .exact:
      guard noTies else {
        throw StatisticsInputError.optionNotApplicable(
          function: function, option: "the exact p-value", reason: "the data have ties")
      }
      useExact = true
    }
    if useExact {
      let p = min(1, 2 * KendallExact.lowerTail(inversionsAtMost: smaller, n: n))
      return CorrelationResult(estimate: tau, pValue: p, method: .exactKendall, n: n, confidenceInterval: nil)
    }
    let nd = Double(n)
    let m = nd * (nd - 1)
    let x1 = xTies.reduce(0) { $0 + $1 * ($1 - 1) * (2 * $1 + 5) }
    let y1 = yTies.reduce(0) { $0 + $1 * ($1 - 1) * (2 * $1 + 5) }
    let x2 = xTies.reduce(0) { $0 + $1 * ($1 - 1) * ($1 - 2) }
    let y2 = yTies.reduce(0) { $0 + $1 * ($1 - 1) * ($1 - 2) }
    var variance = (m * (2 * nd + 5) - x1 - y1) / 18 + 2 * n1 * n2 / m
    if n > 2 { variance += x2 * y2 / (9 * m * (nd - 2)) }
    let z = s / variance.squareRoot()
    return CorrelationResult(
      estimate: tau, pValue: min(1, 2 * Normal.sf(abs(z))), method: .normalApproximation, n: n,
      confidenceInterval: nil)
  }
}

/// The exact null distribution of Kendall's statistic without ties.
enum KendallExact {
  /// P(number of discordant pairs <= k) for a uniformly random permutation of n items.
  ///
  /// The count of permutations of n items with j inversions (Mahonian numbers) satisfies
  /// M(n, j) = sum_{i=0}^{min(j, n-1)} M(n-1, j-i); dividing by n at each step keeps
  /// probabilities rather than counts, so nothing overflows.
  /// - Complexity: O(n k) with running sums.
  static func lowerTail(inversionsAtMost k: Int, n: Int) -> Double {
    let maximum = n * (n - 1) / 2
    if k >= maximum { return 1 }
    let width = k + 1
    var probabilities = [Double](repeating: 0, count: width)
    probabilities[0] = 1
    if n <= 1 { return 1 }
    for items in 2...n {
      var next = [Double](repeating: 0, count: width)
      var running = 0.0
      for j in 0..<width {
        running += probabilities[j]
        if j - items >= 0 { running -= probabilities[j - items] }
        next[j] = running / Double(items)
      }
      probabilities = next
    }
    return min(1, probabilities.reduce(0, +))
  }
}
