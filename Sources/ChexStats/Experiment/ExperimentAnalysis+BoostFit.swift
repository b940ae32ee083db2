import Foundation

/// Phase 6c: does the pretraining boost shrink with size.
extension ExperimentAnalysis {
  /// The fit of boost on log10(parameters).
  public struct BoostFit: Sendable, Equatable {
    public struct Term: Sendable, Equatable {
      public var name: String
      public var estimate: Double
      public var standardError: Double
      public var t: Double
      public var p: Double
      public var interval: ConfidenceInterval
      public init(
        name: String, estimate: Double, standardError: Double, t: Double, p: Double,
        interval: ConfidenceInterval
      ) {
        self.name = name
        self.estimate = estimate
        self.standardError = standardError
        self.t = t
        self.p = p
        self.interval = interval
      }
    }
    public var intercept: Term
    public var slope: Term
    public var rSquared: Double
    public var adjustedRSquared: Double
    public var residualStandardError: Double
    public var n: Int
    public var spearman: Double
    public var spearmanP: Double

    public init(
      intercept: Term, slope: Term, rSquared: Double, adjustedRSquared: Double,
      residualStandardError: Double, n: Int, spearman: Double, spearmanP: Double
    ) {
      self.intercept = intercept
      self.slope = slope
      self.rSquared = rSquared
      self.adjustedRSquared = adjustedRSquared
      self.residualStandardError = residualStandardError
      self.n = n
      self.spearman = spearman
      self.spearmanP = spearmanP
    }
  }

  /// Ordinary least squares of boost on log10(parameters) (LAPACK QR), and their Spearman.
  static func boostFit(_ architectures: [ArchitectureRow], level: Double) -> BoostFit? {
    let rows = architectures.filter { $0.boost?.value != nil && $0.parameters != nil }
    guard rows.count >= 3 else { return nil }
    let x = rows.map { log10($0.parameters ?? 1) }
    let y = rows.map { $0.boost?.value ?? .nan }
    guard
      let fit = try? Regression.ordinaryLeastSquares(
        y: y, x: x, predictorName: "log10_parameters", confidenceLevel: level),
      let rho = try? Correlation.spearman(x, y)
    else { return nil }
    func term(_ c: RegressionCoefficient, _ name: String) -> BoostFit.Term {
      .init(
        name: name, estimate: c.estimate, standardError: c.standardError, t: c.t, p: c.pValue,
        interval: c.confidenceInterval)
    }
    return BoostFit(
      intercept: term(fit.intercept, "intercept"), slope: term(fit.slope, "log10_parameters"),
      rSquared: fit.rSquared, adjustedRSquared: fit.adjustedRSquared,
      residualStandardError: fit.residualStandardError, n: fit.n, spearman: rho.estimate,
      spearmanP: rho.pValue)
  }
}
