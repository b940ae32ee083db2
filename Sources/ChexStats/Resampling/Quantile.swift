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
