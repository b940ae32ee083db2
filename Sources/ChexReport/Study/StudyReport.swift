import ChexData
import ChexStats

/// Everything `chexstats report` writes: the runs with the source of each metadata value, the
/// evaluation policies, and the analyses. Renderers turn it into Markdown, CSV, JSON and SVG.
public struct StudyReport: Sendable {
  public var labelsPath: String
  public var architectureTablePath: String?
  public var aggregation: String
  public var uncertainPolicy: String
  public var blankPolicy: String
  /// The runs as resolved (same order as ``analysis``'s runs).
  public var runs: [StudyRun]
  public var analysis: StudyAnalysis
  /// ImageNet-vs-CheXpert and size correlations, per group.
  public var correlations: [CorrelationRow]
  /// How much of the AUROC variance family and size explain: random init first (the paper's
  /// claim), then pretrained; a group with too few architectures or families is absent.
  public var familySize: [FamilySizeSummary]
  /// Ordinary least squares of the boost on log10(parameters).
  public var boostFit: BoostFitSummary?
  public var version: String

  public init(
    labelsPath: String, architectureTablePath: String?, aggregation: String,
    uncertainPolicy: String, blankPolicy: String, runs: [StudyRun], analysis: StudyAnalysis,
    correlations: [CorrelationRow] = [], familySize: [FamilySizeSummary] = [],
    boostFit: BoostFitSummary? = nil, version: String = ChexstatsVersion.current
  ) {
    self.labelsPath = labelsPath
    self.architectureTablePath = architectureTablePath
    self.aggregation = aggregation
    self.uncertainPolicy = uncertainPolicy
    self.blankPolicy = blankPolicy
    self.runs = runs
    self.analysis = analysis
    self.correlations = correlations
    self.familySize = familySize
    self.boostFit = boostFit
    self.version = version
  }
}

/// One correlation, as reported.
public struct CorrelationRow: Sendable, Equatable {
  /// `pretrained` or `random`.
  public var group: String
  public var x: String
  public var y: String
  /// `spearman`, `pearson` or `kendall`.
  public var method: String
  public var estimate: Double
  /// For Pearson the Fisher-z interval; for Spearman the bootstrap percentile interval.
  public var interval: ConfidenceInterval?
  public var intervalMethod: String
  public var p: Double?
  /// How the p-value was computed, in words.
  public var pMethod: String
  public var n: Int

  public init(
    group: String, x: String, y: String, method: String, estimate: Double,
    interval: ConfidenceInterval?, intervalMethod: String, p: Double?, pMethod: String, n: Int
  ) {
    self.group = group
    self.x = x
    self.y = y
    self.method = method
    self.estimate = estimate
    self.interval = interval
    self.intervalMethod = intervalMethod
    self.p = p
    self.pMethod = pMethod
    self.n = n
  }
}

/// "Family matters more than size", as numbers.
public struct FamilySizeSummary: Sendable, Equatable {
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

/// The fit of boost on log10(parameters).
public struct BoostFitSummary: Sendable, Equatable {
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
