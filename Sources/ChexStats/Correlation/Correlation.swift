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
