/// DeLong's nonparametric variance of AUROCs and the paired test between two models.
///
/// The structural components ("placements") of each study: for a positive i,
/// V10(i) = (negatives scored below i + 1/2 negatives tied with i) / N; for a negative j,
/// V01(j) = (positives scored above j + 1/2 positives tied with j) / P. The AUROC is the mean of
/// V10 (and of V01). With S10 and S01 the sample covariance matrices (denominators P - 1 and
/// N - 1) of the placements of the two models over the same studies,
///
///     Var(AUROC_A - AUROC_B) = (S10_AA + S10_BB - 2 S10_AB) / P + (S01_AA + S01_BB - 2 S01_AB) / N
///
/// and z = (AUROC_A - AUROC_B) / sqrt(Var), two-sided p = 2 (1 - Phi(|z|)), and the CI of the
/// difference is (A - B) +- z_{1 - alpha/2} sqrt(Var). This is what R's pROC reports for
/// `roc.test(roc1, roc2, paired = TRUE, method = "delong")` with `direction = "<"`.
///
/// Placements come from the tie groups of the one ascending sort of each model, so the whole
/// test costs O(n) after the sorts, instead of the O(P N) of the original formulation.
///
/// References: E. R. DeLong, D. M. DeLong and D. L. Clarke-Pearson, "Comparing the areas under
/// two or more correlated receiver operating characteristic curves: a nonparametric approach",
/// Biometrics 44(3), 1988. X. Sun and W. Xu, "Fast implementation of DeLong's algorithm for
/// comparing the areas under correlated receiver operating characteristic curves", IEEE Signal
/// Processing Letters 21(11), 2014.
public enum DeLong {
  /// The DeLong variance and confidence interval of one AUROC.
  public struct Single: Sendable, Equatable {
    public let auroc: Double
    public let variance: Double
    /// Normal interval on the AUROC scale, clipped to [0, 1] (as pROC's `ci.auc`).
    public let confidenceInterval: ConfidenceInterval
    public let positives: Int
    public let negatives: Int
  }

  /// The paired DeLong test of model A against model B on the same studies.
  public struct Comparison: Sendable, Equatable {
    public let aurocA: Double
    public let aurocB: Double
    public let varianceA: Double
    public let varianceB: Double
    /// Cov(AUROC_A, AUROC_B).
    public let covariance: Double
    /// AUROC_A - AUROC_B.
    public var difference: Double { aurocA - aurocB }
    /// sqrt(Var(AUROC_A - AUROC_B)).
    public let standardError: Double
    /// difference / standardError; 0 when both are 0 (identical models).
    public let z: Double
    /// Two-sided p-value from the standard normal.
    public let p: Double
    /// difference +- z_{1-alpha/2} standardError (not clipped).
    public let confidenceInterval: ConfidenceInterval
    public let positives: Int
    public let negatives: Int
  }

  /// DeLong's variance of one AUROC; `nil` with fewer than 2 positives or 2 negatives.
  ///
  /// - Complexity: O(n).
  public static func single(_ ranked: RankedScores, level: Double = 0.95) -> Single? {
    guard ranked.positives >= 2, ranked.negatives >= 2 else { return nil }
    let placements = Placements(ranked)
    let (aucValue, s10, s01) = (placements.auroc, placements.v10.variance, placements.v01.variance)
    let variance = s10 / Double(ranked.positives) + s01 / Double(ranked.negatives)
    let half = Normal.quantile(1 - (1 - level) / 2) * variance.squareRoot()
    return Single(
      auroc: aucValue, variance: variance,
      confidenceInterval: ConfidenceInterval(
        lower: max(0, aucValue - half), upper: min(1, aucValue + half), level: level),
      positives: ranked.positives, negatives: ranked.negatives)
  }

  /// The paired test of `a` against `b`; `nil` with fewer than 2 positives or 2 negatives.
  ///
  /// - Precondition: `a` and `b` rank the same studies with the same labels (two models
  ///   scored on one task).
  /// - Complexity: O(n).
  public static func compare(_ a: RankedScores, _ b: RankedScores, level: Double = 0.95)
    -> Comparison?
  {
    precondition(
      a.studyCount == b.studyCount && a.positives == b.positives && a.negatives == b.negatives,
      "DeLong.compare: the two models must be ranked on the same studies with the same labels")
    guard a.positives >= 2, a.negatives >= 2 else { return nil }
    let pa = Placements(a)
    let pb = Placements(b)
    let m = Double(a.positives)
    let n = Double(a.negatives)
    let s10 = Covariance(pa.v10, pb.v10)
    let s01 = Covariance(pa.v01, pb.v01)
    let varianceA = s10.xx / m + s01.xx / n
    let varianceB = s10.yy / m + s01.yy / n
    let covariance = s10.xy / m + s01.xy / n
    let variance = max(0, varianceA + varianceB - 2 * covariance)
    let se = variance.squareRoot()
    let difference = pa.auroc - pb.auroc
    let z: Double
    if se > 0 {
      z = difference / se
    } else {
      z = difference == 0 ? 0 : (difference > 0 ? .infinity : -.infinity)
    }
    let p = min(1, 2 * Normal.sf(abs(z)))
    let half = Normal.quantile(1 - (1 - level) / 2) * se
    return Comparison(
      aurocA: pa.auroc, aurocB: pb.auroc, varianceA: varianceA, varianceB: varianceB,
      covariance: covariance, standardError: se, z: z, p: p,
      confidenceInterval: ConfidenceInterval(
        lower: difference - half, upper: difference + half, level: level),
      positives: a.positives, negatives: a.negatives)
  }
}

/// The placements of one model's positives and negatives, each in study-index order so that
/// two models' placements line up study by study.
struct Placements {
  /// V10 of each positive study, ordered by study index.
  var v10: [Double]
  /// V01 of each negative study, ordered by study index.
  var v01: [Double]
  var auroc: Double

  init(_ ranked: RankedScores) {
    let p = Double(ranked.positives)
    let q = Double(ranked.negatives)
    var byStudy = [Double](repeating: .nan, count: ranked.studyCount)
    var isPositive = [Bool](repeating: false, count: ranked.studyCount)
    var included = [Bool](repeating: false, count: ranked.studyCount)
    // First pass: group totals, then each member's placement from the counts around its group.
    var start = 0
    var negativesBelow = 0
    var positivesBelow = 0
    for (j, entry) in ranked.packed.enumerated() where entry & 1 != 0 {
      var groupPositives = 0
      for k in start...j where ranked.packed[k] & 2 != 0 { groupPositives += 1 }
      let groupNegatives = j - start + 1 - groupPositives
      let positivesAbove = ranked.positives - positivesBelow - groupPositives
      let v10 = (Double(negativesBelow) + Double(groupNegatives) / 2) / q
      let v01 = (Double(positivesAbove) + Double(groupPositives) / 2) / p
      for k in start...j {
        let study = Int(ranked.packed[k] >> 2)
        let positive = ranked.packed[k] & 2 != 0
        byStudy[study] = positive ? v10 : v01
        isPositive[study] = positive
        included[study] = true
      }
      negativesBelow += groupNegatives
      positivesBelow += groupPositives
      start = j + 1
    }
    v10 = []
    v01 = []
    v10.reserveCapacity(ranked.positives)
    v01.reserveCapacity(ranked.negatives)
    for study in 0..<ranked.studyCount where included[study] {
      if isPositive[study] { v10.append(byStudy[study]) } else { v01.append(byStudy[study]) }
    }
    auroc = v10.reduce(0, +) / p
    assert(
      abs(auroc - (ChexStats.auroc(ranked) ?? .nan)) < 1e-12,
      "Placements: mean placement \(auroc) differs from the Mann-Whitney AUROC")
  }
}

/// Sample variances and covariance of two aligned series (denominator count - 1), two-pass.
struct Covariance {
  var xx: Double
  var yy: Double
  var xy: Double

  init(_ x: [Double], _ y: [Double]) {
    precondition(x.count == y.count && x.count >= 2, "Covariance.init: need two aligned series")
    let n = Double(x.count)
    let mx = x.reduce(0, +) / n
    let my = y.reduce(0, +) / n
    var sxx = 0.0
    var syy = 0.0
    var sxy = 0.0
    for i in x.indices {
      let dx = x[i] - mx
      let dy = y[i] - my
      sxx += dx * dx
      syy += dy * dy
      sxy += dx * dy
    }
    xx = sxx / (n - 1)
    yy = syy / (n - 1)
    xy = sxy / (n - 1)
  }
}

extension Array where Element == Double {
  /// Sample variance with denominator count - 1.
  fileprivate var variance: Double { Covariance(self, self).xx }
}
