import Foundation

extension Correlation {
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
}
