import Foundation

/// Phase 6b: does family matter more than size.
extension ExperimentAnalysis {
  /// "Family matters more than size", as numbers.
  public struct FamilySize: Sendable, Equatable {
    /// Which configurations: `random` (no pretraining) or `pretrained`.
    public var group: String
    public var architectures: Int
    public var families: Int
    /// One-way ANOVA of AUROC on family.
    public var familyF: Double
    public var familyDegreesOfFreedom: (Int, Int)
    public var familyP: Double
    /// Share of the total sum of squares explained by family (eta squared).
    public var familyEtaSquared: Double
    /// Share of the total sum of squares explained by log10(parameters) after family (within-
    /// family regression), its F and p.
    public var sizeWithinFamilyShare: Double
    public var sizeWithinFamilyF: Double?
    public var sizeWithinFamilyP: Double?
    /// Spearman of log10(parameters) against AUROC across all architectures.
    public var sizeSpearman: Double
    /// Per family: AUROC range (min, max) and members.
    public var ranges: [(family: String, minimum: Double, maximum: Double, members: Int)]

    public static func == (a: Self, b: Self) -> Bool {
      a.group == b.group && a.familyF == b.familyF && a.familyP == b.familyP
    }

    public init(
      group: String, architectures: Int, families: Int, familyF: Double,
      familyDegreesOfFreedom: (Int, Int), familyP: Double, familyEtaSquared: Double,
      sizeWithinFamilyShare: Double, sizeWithinFamilyF: Double?, sizeWithinFamilyP: Double?,
      sizeSpearman: Double, ranges: [(family: String, minimum: Double, maximum: Double, members: Int)]
    ) {
      self.group = group
      self.architectures = architectures
      self.families = families
      self.familyF = familyF
      self.familyDegreesOfFreedom = familyDegreesOfFreedom
      self.familyP = familyP
      self.familyEtaSquared = familyEtaSquared
      self.sizeWithinFamilyShare = sizeWithinFamilyShare
      self.sizeWithinFamilyF = sizeWithinFamilyF
      self.sizeWithinFamilyP = sizeWithinFamilyP
      self.sizeSpearman = sizeSpearman
      self.ranges = ranges
    }
  }

  /// One-way ANOVA of AUROC on family, and what log10(parameters) adds within families
  /// (the regression of within-family-centred AUROC on within-family-centred log size, whose
  /// sum of squares is the sequential one of `auroc ~ family + log10(parameters)`).
  static func familySize(
    _ architectures: [ArchitectureRow], configurations: [Configuration], pretrained: Bool
  ) -> FamilySize? {
    let all = fullModels(architectures, configurations: configurations, pretrained: pretrained).filter {
      $0.0.parameters != nil
    }
    let families = all.map(\.0.family).uniqued()
    guard all.count >= 3, families.count >= 2, all.count > families.count else { return nil }
    let y = all.map { configurations[$0.1].mean.value ?? .nan }
    let size = all.map { log10($0.0.parameters ?? 1) }
    let byFamily = families.map { family in all.indices.filter { all[$0].0.family == family } }
    guard let anova = try? OneWayANOVA.test(byFamily.map { $0.map { y[$0] } }, names: families)
    else { return nil }
    // Size within families: the slope of within-family-centred AUROC on centred log size.
    var centredY = y
    var centredX = size
    for members in byFamily {
      let my = members.reduce(0) { $0 + y[$1] } / Double(members.count)
      let mx = members.reduce(0) { $0 + size[$1] } / Double(members.count)
      for i in members {
        centredY[i] -= my
        centredX[i] -= mx
      }
    }
    let total = anova.betweenSumOfSquares + anova.withinSumOfSquares
    let n = all.count
    let k = families.count
    let sxx = centredX.reduce(0) { $0 + $1 * $1 }
    let sxy = zip(centredX, centredY).reduce(0) { $0 + $1.0 * $1.1 }
    var sizeShare = 0.0
    var sizeF: Double?
    var sizeP: Double?
    if sxx > 0, n - k - 1 > 0 {
      let ssSize = sxy * sxy / sxx
      sizeShare = ssSize / total
      let df = Double(n - k - 1)
      let f = ssSize / ((anova.withinSumOfSquares - ssSize) / df)
      sizeF = f
      sizeP = FDistribution(numeratorDegreesOfFreedom: 1, denominatorDegreesOfFreedom: df).sf(f)
    }
    return FamilySize(
      group: pretrained ? "pretrained" : "random", architectures: n, families: k,
      familyF: anova.fStatistic,
      familyDegreesOfFreedom: (anova.betweenDegreesOfFreedom, anova.withinDegreesOfFreedom),
      familyP: anova.pValue, familyEtaSquared: anova.etaSquared, sizeWithinFamilyShare: sizeShare,
      sizeWithinFamilyF: sizeF, sizeWithinFamilyP: sizeP,
      sizeSpearman: (try? Correlation.spearman(size, y).estimate) ?? .nan,
      ranges: anova.groups.map { ($0.name, $0.minimum, $0.maximum, $0.n) })
  }
}
