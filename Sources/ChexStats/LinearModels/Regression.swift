import ChexLinalg
import Foundation

/// One coefficient of a least-squares fit with its inference.
public struct RegressionCoefficient: Sendable, Hashable {
  /// "intercept" or the predictor's name.
  public var name: String
  /// The least-squares estimate.
  public var estimate: Double
  /// sqrt of the diagonal of s^2 (X^T X)^-1.
  public var standardError: Double
  /// estimate / standardError.
  public var t: Double
  /// Two-sided p-value of t on the residual degrees of freedom.
  public var pValue: Double
  /// estimate -+ t_{(1+level)/2, df} standardError.
  public var confidenceInterval: ConfidenceInterval
}

/// An ordinary least-squares fit y = X beta + e with an intercept, as `statsmodels.OLS` and R's
/// `summary(lm)` report it.
public struct OLSResult: Sendable, Hashable {
  /// The intercept first, then one entry per predictor in the order given.
  public var coefficients: [RegressionCoefficient]
  /// 1 - RSS / TSS with TSS about the mean of y.
  public var rSquared: Double
  /// 1 - (1 - R^2)(n - 1) / (n - p).
  public var adjustedRSquared: Double
  /// s = sqrt(RSS / (n - p)).
  public var residualStandardError: Double
  /// ((TSS - RSS) / (p - 1)) / (RSS / (n - p)): all slopes zero.
  public var fStatistic: Double
  /// P(F_{p-1, n-p} > fStatistic).
  public var fPValue: Double
  /// The number of observations.
  public var n: Int
  /// p - 1, the number of predictors besides the intercept.
  public var modelDegreesOfFreedom: Int
  /// n - p.
  public var residualDegreesOfFreedom: Int
  /// The residual sum of squares.
  public var residualSumOfSquares: Double
  /// How the fit was computed, for reports.
  public var method: String { "ordinary least squares (Householder QR, LAPACK dgels)" }

  /// The intercept.
  public var intercept: RegressionCoefficient { coefficients[0] }
  /// The coefficient of the first predictor (the slope of a simple regression).
  public var slope: RegressionCoefficient { coefficients[1] }
}

/// Ordinary least squares through LAPACK.
///
/// beta minimises ||y - X beta||^2 with X = [1, x_1, ..., x_k] (n x p, p = k + 1), solved by
/// Householder QR (X = QR, LAPACK `dgels`); the covariance s^2 (X^T X)^-1 = s^2 R^-1 R^-T uses
/// the triangular inverse (`dtrtri`), so X^T X is never formed. t = beta_j / se_j on n - p df.
///
/// References: G. H. Golub and C. F. Van Loan, *Matrix Computations*, 4th ed. (2013), 5.3
/// (least squares by QR); N. R. Draper and H. Smith, *Applied Regression Analysis*, 3rd ed.
/// (1998), chapters 1-5 (the inference).
public enum Regression {
  /// Simple linear regression y = a + b x.
  /// - Throws: `StatisticsInputError` when lengths differ, n < 3, a value is not finite, or x or
  ///   y is constant.
  /// - Complexity: O(n).
  public static func ordinaryLeastSquares(
    y: [Double], x: [Double], predictorName: String = "x", confidenceLevel: Double = 0.95
  ) throws -> OLSResult {
    try ordinaryLeastSquares(
      y: y, predictors: [x], predictorNames: [predictorName], confidenceLevel: confidenceLevel)
  }

  /// Multiple linear regression of y on an intercept and the given predictor columns.
  /// - Throws: `StatisticsInputError` when lengths differ, n <= p, a value is not finite, y is
  ///   constant, or the design does not have full column rank (a predictor is constant or a
  ///   linear combination of others, up to a relative tolerance of 1e-10).
  /// - Complexity: O(n p^2).
  public static func ordinaryLeastSquares(
    y: [Double], predictors: [[Double]], predictorNames: [String], confidenceLevel: Double = 0.95
  ) throws -> OLSResult {
    let function = "Regression.ordinaryLeastSquares"
    precondition(
      predictors.count == predictorNames.count,
      "\(function): \(predictors.count) predictors but \(predictorNames.count) names")
    precondition(
      confidenceLevel > 0 && confidenceLevel < 1, "\(function): confidenceLevel must lie in (0, 1)")
    let n = y.count
    let p = predictors.count + 1
    try requireFinite(y, function: function, argument: "y")
    for (column, name) in zip(predictors, predictorNames) {
      guard column.count == n else {
        throw StatisticsInputError.lengthMismatch(
          function: function, first: "y", firstCount: n, second: name, secondCount: column.count)
      }
      try requireFinite(column, function: function, argument: name)
    }
    guard n > p else {
      throw StatisticsInputError.tooFewObservations(
        function: function, argument: "y", required: p + 1, found: n)
    }
    let meanY = y.reduce(0, +) / Double(n)
    let totalSumOfSquares = y.reduce(0) { $0 + ($1 - meanY) * ($1 - meanY) }
    guard totalSumOfSquares > 0 else {
      throw StatisticsInputError.constantInput(function: function, argument: "y")
    }
    // Row-major design with the intercept column first.
    var design = [Double](repeating: 1, count: n * p)
    for (j, column) in predictors.enumerated() {
      for i in 0..<n { design[i * p + j + 1] = column[i] }
    }
    let fit: LAPACK.LeastSquaresQR
    let rInverse: [Double]
    do {
      fit = try LAPACK.leastSquaresQR(rows: n, columns: p, a: design, b: y)
      try requireFullRank(fit.r, design: design, n: n, p: p, function: function)
      rInverse = try LAPACK.invertUpperTriangular(fit.r, n: p)
    } catch is LAPACKError {
      throw StatisticsInputError.rankDeficient(function: function, columns: p, rank: p - 1)
    }
    let residualDF = n - p
    let rss = max(0, fit.residualSumOfSquares)
    let variance = rss / Double(residualDF)
    let s = variance.squareRoot()
    let tDistribution = StudentT(degreesOfFreedom: Double(residualDF))
    let critical = tDistribution.quantile(0.5 + 0.5 * confidenceLevel)
    let names = ["intercept"] + predictorNames
    var coefficients: [RegressionCoefficient] = []
    for j in 0..<p {
      // Row j of R^-1 gives the j-th diagonal entry of (X^T X)^-1 = R^-1 R^-T.
      var diagonal = 0.0
      for k in j..<p { diagonal += rInverse[j * p + k] * rInverse[j * p + k] }
      let se = s * diagonal.squareRoot()
      let estimate = fit.solution[j]
      let t = estimate / se
      coefficients.append(
        RegressionCoefficient(
          name: names[j], estimate: estimate, standardError: se, t: t,
          pValue: min(1, 2 * tDistribution.sf(abs(t))),
          confidenceInterval: ConfidenceInterval(
            lower: estimate - critical * se, upper: estimate + critical * se, level: confidenceLevel)))
    }
    let rSquared = 1 - rss / totalSumOfSquares
    let modelDF = p - 1
    let f = ((totalSumOfSquares - rss) / Double(modelDF)) / variance
    let fDistribution = FDistribution(
      numeratorDegreesOfFreedom: Double(modelDF), denominatorDegreesOfFreedom: Double(residualDF))
    return OLSResult(
      coefficients: coefficients, rSquared: rSquared,
      adjustedRSquared: 1 - (1 - rSquared) * Double(n - 1) / Double(residualDF),
      residualStandardError: s, fStatistic: f, fPValue: fDistribution.sf(f), n: n,
      modelDegreesOfFreedom: modelDF, residualDegreesOfFreedom: residualDF, residualSumOfSquares: rss)
  }

  /// Rejects a design whose R has a diagonal entry tiny next to its column's norm: that column
  /// is (numerically) a combination of the earlier ones.
  private static func requireFullRank(_ r: [Double], design: [Double], n: Int, p: Int, function: String)
    throws
  {
    var rank = 0
    for j in 0..<p {
      var norm = 0.0
      for i in 0..<n { norm += design[i * p + j] * design[i * p + j] }
      if abs(r[j * p + j]) > 1e-10 * norm.squareRoot() { rank += 1 }
    }
    if rank < p { throw StatisticsInputError.rankDeficient(function: function, columns: p, rank: rank) }
  }
}
