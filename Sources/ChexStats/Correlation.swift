import Foundation

/// How a correlation's p-value was computed.
public enum CorrelationPValueMethod: Sendable, Hashable, CustomStringConvertible {
  /// Student t with n - 2 degrees of freedom on t = r sqrt((n - 2) / (1 - r^2)); exact for
  /// Pearson's r under bivariate normality, an approximation for Spearman's rho.
  case studentT(degreesOfFreedom: Int)
  /// The exact permutation distribution of Spearman's rho over all n! orderings (no ties).
  case exactPermutation(permutations: Double)
  /// The exact null distribution of Kendall's concordant-pair count (no ties).
  case exactKendall
  /// The normal approximation to Kendall's S = C - D with the tie-corrected variance.
  case normalApproximation

  public var description: String {
    switch self {
    case .studentT(let df):
      return "t approximation with \(df) df"
    case .exactPermutation(let permutations):
      return "exact permutation distribution (\(String(format: "%.0f", permutations)) orderings)"
    case .exactKendall:
      return "exact null distribution of Kendall's tau"
    case .normalApproximation:
      return "normal approximation with tie-corrected variance"
    }
  }
}

/// A correlation coefficient with its two-sided p-value and how it was made.
public struct CorrelationResult: Sendable, Hashable {
  /// The coefficient: Pearson's r, Spearman's rho or Kendall's tau-b.
  public var estimate: Double
  /// The two-sided p-value for the null hypothesis of no association.
  public var pValue: Double
  /// How `pValue` was computed.
  public var method: CorrelationPValueMethod
  /// The number of (x, y) pairs.
  public var n: Int
  /// A confidence interval where one is defined (Pearson's r, Fisher z), else nil.
  public var confidenceInterval: ConfidenceInterval?
}

/// Which p-value to report for Spearman's rho.
public enum SpearmanPValue: Sendable, Hashable {
  /// The t approximation with n - 2 df, as `scipy.stats.spearmanr`.
  case studentT
  /// The exact permutation p-value; requires no ties and n <= `Correlation.exactSpearmanLimit`.
  case exact
  /// Exact when there are no ties and n <= `Correlation.exactSpearmanLimit`, otherwise t.
  case automatic
}

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

/// Pearson, Spearman and Kendall correlation coefficients with p-values.
///
/// References:
/// - Fisher, R. A. (1915) "Frequency distribution of the values of the correlation coefficient
///   in samples from an indefinitely large population", Biometrika 10: the z transform.
/// - Kendall, M. G. (1945) "The treatment of ties in ranking problems", Biometrika 33: tau-b
///   and the tie-corrected variance of S.
/// - Best, D. J. and Roberts, D. E. (1975) "Algorithm AS 89: The upper tail probabilities of
///   Spearman's rho", Applied Statistics 24 (what R's `cor.test` uses: exact for n <= 9,
///   an Edgeworth series beyond).
public enum Correlation {
  /// The largest n for which the exact Spearman permutation p-value is offered.
  public static let exactSpearmanLimit = 16

  /// Pearson's product-moment correlation r with the exact two-sided p-value under bivariate
  /// normality and a Fisher-z confidence interval.
  ///
  /// r = sum (x - xbar)(y - ybar) / sqrt(sum (x - xbar)^2 sum (y - ybar)^2). Under the null,
  /// (1 + r) / 2 ~ Beta(n/2 - 1, n/2 - 1), equivalently t = r sqrt((n - 2) / (1 - r^2)) has a t
  /// distribution with n - 2 df; p = 2 I_{(1 - |r|)/2}(n/2 - 1, n/2 - 1), as
  /// `scipy.stats.pearsonr`. CI: tanh(atanh(r) -+ z_{(1+level)/2} / sqrt(n - 3)), nil for n <= 3.
  /// - Throws: `StatisticsInputError` when lengths differ, n < 3, a value is not finite, or
  ///   either variable is constant.
  /// - Complexity: O(n).
  public static func pearson(_ x: [Double], _ y: [Double], confidenceLevel: Double = 0.95) throws
    -> CorrelationResult
  {
    let function = "Correlation.pearson"
    try validatePairs(x, y, function: function)
    let r = try pearsonCoefficient(x, y, function: function)
    let n = x.count
    var interval: ConfidenceInterval?
    if n > 3 {
      let z = atanh(r)
      let half = Normal.quantile(0.5 + 0.5 * confidenceLevel) / Double(n - 3).squareRoot()
      interval = ConfidenceInterval(lower: tanh(z - half), upper: tanh(z + half), level: confidenceLevel)
    }
    return CorrelationResult(
      estimate: r, pValue: correlationTTestP(r, n: n), method: .studentT(degreesOfFreedom: n - 2), n: n,
      confidenceInterval: interval)
  }

  /// Spearman's rank correlation rho: Pearson's r of the midranks (average ranks for ties),
  /// which is the tie-corrected coefficient.
  ///
  /// p-value: the t approximation (as `scipy.stats.spearmanr`), or the exact permutation
  /// distribution of sum d^2 over all n! orderings when there are no ties and n <=
  /// `exactSpearmanLimit`. R's `cor.test(method = "spearman")` is exact (AS 89) only for
  /// n <= 9 and uses an Edgeworth series for 10 <= n < 1290, so for n in 10...16 the exact value
  /// here and R's differ slightly; for n <= 9 they agree.
  /// - Throws: `StatisticsInputError` as `pearson`, or `optionNotApplicable` when `.exact` is
  ///   asked for with ties or n > `exactSpearmanLimit`.
  /// - Complexity: O(n log n) for rho and the t p-value; O(2^n n^3) for the exact p-value.
  public static func spearman(_ x: [Double], _ y: [Double], pValue: SpearmanPValue = .studentT) throws
    -> CorrelationResult
  {
    let function = "Correlation.spearman"
    try validatePairs(x, y, function: function)
    let rx = Ranking.midranks(x)
    let ry = Ranking.midranks(y)
    let rho = try pearsonCoefficient(rx, ry, function: function)
    let n = x.count
    let hasTies = Ranking.tieGroupSizes(x).contains { $0 > 1 } || Ranking.tieGroupSizes(y).contains { $0 > 1 }
    let exactPossible = !hasTies && n <= exactSpearmanLimit
    if pValue == .exact && !exactPossible {
      throw StatisticsInputError.optionNotApplicable(
        function: function, option: "the exact p-value",
        reason: hasTies
          ? "the data have ties" : "n = \(n) exceeds the exact limit \(exactSpearmanLimit)")
    }
    if pValue == .studentT || !exactPossible {
      return CorrelationResult(
        estimate: rho, pValue: correlationTTestP(rho, n: n), method: .studentT(degreesOfFreedom: n - 2),
        n: n, confidenceInterval: nil)
    }
    // sum d^2 for untied ranks 1...n, from rho: D = (n^3 - n)(1 - rho) / 6, an integer.
    let order = rx.map { Int($0.rounded()) - 1 }
    var permutation = [Int](repeating: 0, count: n)
    for (i, rank) in order.enumerated() { permutation[rank] = Int(ry[i].rounded()) - 1 }
    let p = SpearmanExact.twoSidedPValue(permutation: permutation)
    return CorrelationResult(
      estimate: rho, pValue: p, method: .exactPermutation(permutations: tgamma(Double(n + 1))), n: n,
      confidenceInterval: nil)
  }

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

  // MARK: - Shared pieces

  static func validatePairs(_ x: [Double], _ y: [Double], function: String) throws {
    guard x.count == y.count else {
      throw StatisticsInputError.lengthMismatch(
        function: function, first: "x", firstCount: x.count, second: "y", secondCount: y.count)
    }
    guard x.count >= 3 else {
      throw StatisticsInputError.tooFewObservations(
        function: function, argument: "x", required: 3, found: x.count)
    }
    try requireFinite(x, function: function, argument: "x")
    try requireFinite(y, function: function, argument: "y")
  }

  /// Pearson's r from centred, normalised vectors (two passes), clipped to [-1, 1].
  static func pearsonCoefficient(_ x: [Double], _ y: [Double], function: String) throws -> Double {
    let n = Double(x.count)
    let meanX = x.reduce(0, +) / n
    let meanY = y.reduce(0, +) / n
    let dx = x.map { $0 - meanX }
    let dy = y.map { $0 - meanY }
    let normX = dx.reduce(0) { $0 + $1 * $1 }.squareRoot()
    let normY = dy.reduce(0) { $0 + $1 * $1 }.squareRoot()
    if normX == 0 || x.allSatisfy({ $0 == x[0] }) {
      throw StatisticsInputError.constantInput(function: function, argument: "x")
    }
    if normY == 0 || y.allSatisfy({ $0 == y[0] }) {
      throw StatisticsInputError.constantInput(function: function, argument: "y")
    }
    var r = 0.0
    for i in 0..<x.count { r += (dx[i] / normX) * (dy[i] / normY) }
    return max(-1, min(1, r))
  }

  /// Two-sided p of the t test of zero correlation, p = 2 P(T_{n-2} > |t|), written as
  /// 2 I_{(1-|r|)/2}(n/2 - 1, n/2 - 1) so that |r| near 1 loses no digits.
  static func correlationTTestP(_ r: Double, n: Int) -> Double {
    let a = 0.5 * Double(n) - 1
    let lower = 0.5 * (1 - abs(r))
    let upper = 0.5 * (1 + abs(r))
    let tail = SpecialFunctions.incompleteBeta(x: lower, y: upper, a: a, b: a).lower
    return min(1, 2 * tail)
  }
}

/// Midranks and tie groups.
enum Ranking {
  /// Ranks 1...n with ties given the average of the ranks they span.
  /// - Complexity: O(n log n).
  static func midranks(_ values: [Double]) -> [Double] {
    let order = values.indices.sorted { values[$0] < values[$1] }
    var ranks = [Double](repeating: 0, count: values.count)
    var start = 0
    while start < order.count {
      var end = start
      while end + 1 < order.count && values[order[end + 1]] == values[order[start]] { end += 1 }
      let average = Double(start + end) / 2 + 1
      for k in start...end { ranks[order[k]] = average }
      start = end + 1
    }
    return ranks
  }

  /// The sizes of the groups of equal values (1 for an untied value).
  /// - Complexity: O(n log n).
  static func tieGroupSizes(_ values: [Double]) -> [Int] {
    let sorted = values.sorted()
    var sizes: [Int] = []
    var start = 0
    while start < sorted.count {
      var end = start
      while end + 1 < sorted.count && sorted[end + 1] == sorted[start] { end += 1 }
      sizes.append(end - start + 1)
      start = end + 1
    }
    return sizes
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

/// The exact permutation distribution of Spearman's statistic without ties.
enum SpearmanExact {
  /// Two-sided p = P(|T - E T| >= |t - E T|) for T = sum_i i * pi(i) over uniformly random
  /// permutations pi of 0..<n, where `permutation` gives the observed pi (T is an affine
  /// function of sum d^2 and of rho, so this is the two-sided permutation p of rho).
  ///
  /// Meet in the middle: T = A + B with A the part from positions 0..<h and B from h..<n,
  /// h = n / 2. For every set S of h values, dynamic programming over subsets gives the counts
  /// of A over the orderings of S into the first positions, and of B over the orderings of the
  /// complement into the last ones; the tail count for S is then one pass over A against
  /// cumulative counts of B. The distribution of T is symmetric about n (n - 1)^2 / 4.
  /// - Complexity: O(2^n n^3) time and O(C(n, n/2) n^3) memory; about 0.1 s for n = 16 in a
  ///   release build.
  static func twoSidedPValue(permutation: [Int]) -> Double {
    let n = permutation.count
    precondition(n >= 1 && n <= 20, "SpearmanExact.twoSidedPValue: n must be in 1...20, got \(n)")
    let observed = permutation.enumerated().reduce(0) { $0 + $1.offset * $1.element }
    let twiceMean = n * (n - 1) * (n - 1) / 2
    let distance = abs(2 * observed - twiceMean)
    if distance == 0 { return 1 }
    let h = n / 2
    let front = PartialSums(n: n, depth: h, position: { $0 })
    let back = PartialSums(n: n, depth: n - h, position: { n - 1 - $0 })
    let full = (1 << n) - 1
    var extreme = 0.0
    var total = 0.0
    for mask in 0...full where mask.nonzeroBitCount == h {
      let a = front.table[mask]
      let b = back.table[full ^ mask]
      // cumulative[j] = number of orderings with B <= b.offset + j - 1.
      var cumulative = [Double](repeating: 0, count: b.counts.count + 1)
      for (j, c) in b.counts.enumerated() { cumulative[j + 1] = cumulative[j] + c }
      let bTotal = cumulative[b.counts.count]
      func atMost(_ value: Int) -> Double {
        let index = value - b.offset + 1
        return cumulative[min(max(index, 0), b.counts.count)]
      }
      for (i, countA) in a.counts.enumerated() where countA != 0 {
        let sumA = a.offset + i
        // 2(A + B) - twiceMean <= -distance  <=>  B <= floor((twiceMean - distance - 2A) / 2)
        let low = floorDivide(twiceMean - distance - 2 * sumA, 2)
        // 2(A + B) - twiceMean >= distance  <=>  B >= ceil((twiceMean + distance - 2A) / 2)
        let high = -floorDivide(-(twiceMean + distance - 2 * sumA), 2)
        extreme += countA * (atMost(low) + bTotal - atMost(high - 1))
        total += countA * bTotal
      }
    }
    return min(1, extreme / total)
  }

  private static func floorDivide(_ a: Int, _ b: Int) -> Int {
    let q = a / b
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
  }

  /// For every set of at most `depth` values placed, in order, at positions position(0),
  /// position(1), ..., the counts of the partial sums sum position(k) * value_k.
  struct PartialSums {
    var table: [(offset: Int, counts: [Double])]

    init(n: Int, depth: Int, position: (Int) -> Int) {
      table = Array(repeating: (0, []), count: 1 << n)
      table[0] = (0, [1])
      // Subsets are numerically smaller than their supersets, so ascending order visits every
      // set after all the sets it is built from.
      for mask in 0..<(1 << n) {
        let placed = mask.nonzeroBitCount
        guard placed < depth, !table[mask].counts.isEmpty else { continue }
        let slot = position(placed)
        let source = table[mask]
        for value in 0..<n where mask & (1 << value) == 0 {
          let target = mask | (1 << value)
          if table[target].counts.isEmpty {
            table[target] = Self.emptyRange(mask: target, n: n, position: position)
          }
          let base = source.offset + slot * value - table[target].offset
          for (i, c) in source.counts.enumerated() where c != 0 {
            table[target].counts[base + i] += c
          }
        }
      }
    }

    /// A zeroed array spanning exactly the possible partial sums of `mask`: by the
    /// rearrangement inequality the extremes pair the sorted values with the sorted positions
    /// in the same and in opposite order.
    static func emptyRange(mask: Int, n: Int, position: (Int) -> Int) -> (offset: Int, counts: [Double]) {
      let values = (0..<n).filter { mask & (1 << $0) != 0 }
      let slots = (0..<values.count).map(position).sorted()
      var lowest = 0
      var highest = 0
      for (i, slot) in slots.enumerated() {
        highest += slot * values[i]
        lowest += slot * values[values.count - 1 - i]
      }
      return (lowest, [Double](repeating: 0, count: highest - lowest + 1))
    }
  }
}
