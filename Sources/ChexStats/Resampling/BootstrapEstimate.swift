/// The sample quantile of R's type 7 (numpy's `linear`, pROC's and scipy's default):
/// with h = (m - 1) q over the sorted values x_0 <= ... <= x_{m-1},
/// Q(q) = x_floor(h) + (h - floor(h)) (x_floor(h)+1 - x_floor(h)).
///
/// Reference: R. J. Hyndman and Y. Fan, "Sample quantiles in statistical packages",
/// The American Statistician 50(4), 1996 (definition 7).
///
/// - Precondition: `sorted` is non-empty, ascending, without NaN; `q` in [0, 1].
/// - Complexity: O(1).
public func quantileType7(sorted: [Double], _ q: Double) -> Double {
  precondition(!sorted.isEmpty, "quantileType7: no values")
  precondition(q >= 0 && q <= 1, "quantileType7: q must lie in [0, 1], got \(q)")
  let h = Double(sorted.count - 1) * q
  let lower = Int(h.rounded(.down))
  guard lower + 1 < sorted.count else { return sorted[lower] }
  return sorted[lower] + (h - Double(lower)) * (sorted[lower + 1] - sorted[lower])
}

/// What a set of bootstrap replicates says about one statistic: the percentile interval and
/// the standard error, with how many replicates were usable.
public struct BootstrapEstimate: Sendable, Equatable {
  /// The percentile interval (quantiles alpha/2 and 1 - alpha/2 of the usable replicates, type
  /// 7); `nil` when no replicate was usable.
  public let interval: ConfidenceInterval?
  /// The standard deviation of the usable replicates (denominator count - 1); `nil` below 2.
  public let standardError: Double?
  /// Replicates in which the statistic was defined (a replicate whose resample lacks a class
  /// for the task is skipped for that task).
  public let replicatesUsed: Int

  /// Summarises `replicates`, skipping NaN (undefined) entries.
  ///
  /// - Complexity: O(B log B).
  public init(replicates: [Double], level: Double) {
    let usable = replicates.filter { !$0.isNaN }.sorted()
    replicatesUsed = usable.count
    if usable.isEmpty {
      interval = nil
    } else {
      let alpha = 1 - level
      interval = ConfidenceInterval(
        lower: quantileType7(sorted: usable, alpha / 2),
        upper: quantileType7(sorted: usable, 1 - alpha / 2), level: level)
    }
    if usable.count >= 2 {
      let mean = usable.reduce(0, +) / Double(usable.count)
      let ss = usable.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
      standardError = (ss / Double(usable.count - 1)).squareRoot()
    } else {
      standardError = nil
    }
  }
}

/// The two-sided bootstrap p-value of a paired difference, by inverting the percentile
/// interval: the smallest alpha whose (1 - alpha) percentile interval of the replicate
/// differences reaches 0, with the add-one correction of Davison and Hinkley (1997, eq. 4.11):
///
///     p = min(1, 2 (1 + min(#{d* <= 0}, #{d* >= 0})) / (B + 1))
///
/// over the B usable (non-NaN) replicate differences d*. It never reports 0: the smallest
/// value is 2 / (B + 1). `nil` when no replicate was usable.
///
/// - Complexity: O(B).
public func bootstrapPValue(differences: [Double]) -> Double? {
  var atMostZero = 0
  var atLeastZero = 0
  var used = 0
  for d in differences where !d.isNaN {
    used += 1
    if d <= 0 { atMostZero += 1 }
    if d >= 0 { atLeastZero += 1 }
  }
  guard used > 0 else { return nil }
  return min(1, 2 * Double(1 + min(atMostZero, atLeastZero)) / Double(used + 1))
}
