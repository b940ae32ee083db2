extension ConfidenceInterval {
  /// The Wilson score interval of a binomial proportion `successes / trials`.
  ///
  /// With p = successes / n and z the normal quantile at 1 - (1 - level) / 2:
  ///
  ///     centre = (p + z^2 / (2n)) / (1 + z^2 / n)
  ///     half   = z / (1 + z^2 / n) * sqrt(p (1 - p) / n + z^2 / (4 n^2))
  ///
  /// It stays inside [0, 1] and keeps close to nominal coverage for small n and p near 0 or 1,
  /// where the Wald interval fails. Equals statsmodels
  /// `proportion_confint(successes, trials, alpha = 1 - level, method = "wilson")`.
  ///
  /// - Returns: `nil` when `trials` is 0.
  /// - Precondition: `0 <= successes <= trials`.
  /// - Complexity: O(1).
  ///
  /// Reference: E. B. Wilson, "Probable inference, the law of succession, and statistical
  /// inference", JASA 22 (1927) 209-212.
  public static func wilson(successes: Int, trials: Int, level: Double = 0.95) -> ConfidenceInterval? {
    precondition(
      successes >= 0 && successes <= trials,
      "ConfidenceInterval.wilson: successes must lie in 0...trials, got \(successes) of \(trials)")
    guard trials > 0 else { return nil }
    let n = Double(trials)
    let p = Double(successes) / n
    let z = Normal.quantile(1 - (1 - level) / 2)
    let z2 = z * z
    let denominator = 1 + z2 / n
    let centre = (p + z2 / (2 * n)) / denominator
    let half = z / denominator * (p * (1 - p) / n + z2 / (4 * n * n)).squareRoot()
    return ConfidenceInterval(lower: centre - half, upper: centre + half, level: level)
  }
}
