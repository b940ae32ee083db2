import Foundation

/// Which p-value to report for Spearman's rho.
public enum SpearmanPValue: Sendable, Hashable {
  /// The t approximation with n - 2 df, as `scipy.stats.spearmanr`.
  case studentT
  /// The exact permutation p-value; requires no ties and n <= `Correlation.exactSpearmanLimit`.
  case exact
  /// Exact when there are no ties and n <= `Correlation.exactSpearmanLimit`, otherwise t.
  case automatic
}

extension Correlation {
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
