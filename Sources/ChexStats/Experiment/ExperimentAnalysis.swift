/// The CheXtransfer analysis of an experiment, many runs scored on one set of studies:
/// per-run and per-configuration AUROCs, the pretraining boost per architecture, truncation, and
/// the across-architecture correlations and fits, all from one shared set of bootstrap resamples
/// so that every comparison is paired.
///
/// Definitions (printed in reports beside the numbers):
/// - A run's AUROC is the unweighted mean of its task AUROCs (tasks with both classes).
/// - A configuration is (architecture, pretrained, truncated blocks); its AUROC is the mean over
///   its runs (seeds), and inside each bootstrap replicate the seeds are averaged too, so its
///   interval reflects the studies, not the seeds. The standard deviation across seeds is
///   reported beside it (the paper's error bars).
/// - Boost = AUROC(pretrained, full) - AUROC(random init, full) of an architecture.
/// - Truncation: each truncated configuration minus the full pretrained configuration of its
///   architecture; a drop is significant when the upper end of its interval is below 0.
///   Parameter efficiency of an architecture = parameters(full) / parameters(smallest
///   truncated model without a significant drop), 1 when every truncation drops; the
///   experiment's efficiency is the mean over architectures with truncated models.
/// - Across architectures (full models, per group, pretrained and random init): ImageNet top-1
///   and log10(parameters) against mean AUROC (Spearman, Pearson, Kendall), one-way ANOVA of
///   AUROC on family with what size adds within families, and the least-squares fit of the
///   boost on log10(parameters).
///
/// "Study" in chexstats means one imaging study (a patient's examination, the unit that is
/// scored and resampled); an experiment is the set of runs analysed together.
///
/// Reference: A. Ke, W. Ellsworth, O. Banerjee, A. Y. Ng, P. Rajpurkar, "CheXtransfer:
/// performance and parameter efficiency of ImageNet models for chest X-ray interpretation",
/// ACM CHIL 2021.
public struct ExperimentAnalysis: Sendable {
  /// The trained model behind one run, as the analysis sees it: what places it in the design
  /// (architecture, initialisation, truncation, seed) and its covariates.
  public struct Model: Sendable, Equatable {
    public var name: String
    public var architecture: String
    public var family: String
    public var pretrained: Bool
    public var truncatedBlocks: Int
    public var seed: Int?
    public var parameters: Double?
    public var imagenetTop1: Double?

    public init(
      name: String, architecture: String, family: String, pretrained: Bool,
      truncatedBlocks: Int = 0, seed: Int? = nil, parameters: Double? = nil,
      imagenetTop1: Double? = nil
    ) {
      self.name = name
      self.architecture = architecture
      self.family = family
      self.pretrained = pretrained
      self.truncatedBlocks = truncatedBlocks
      self.seed = seed
      self.parameters = parameters
      self.imagenetTop1 = imagenetTop1
    }
  }

  /// One run's results.
  public struct RunResult: Sendable {
    public var model: Model
    /// Per task (in ``ExperimentAnalysis/tasks`` order).
    public var tasks: [Estimate]
    /// The mean over the tasks with defined AUROCs.
    public var mean: Estimate
  }

  /// Identifies a configuration.
  public struct ConfigurationKey: Sendable, Hashable, Comparable {
    public var architecture: String
    public var pretrained: Bool
    public var truncatedBlocks: Int

    public static func < (a: Self, b: Self) -> Bool {
      (a.architecture, a.pretrained ? 0 : 1, a.truncatedBlocks)
        < (b.architecture, b.pretrained ? 0 : 1, b.truncatedBlocks)
    }
  }

  /// The runs of one configuration (its seeds) together.
  public struct Configuration: Sendable {
    public var key: ConfigurationKey
    public var family: String
    public var parameters: Double?
    public var imagenetTop1: Double?
    /// Indices into ``ExperimentAnalysis/runs``.
    public var runs: [Int]
    /// Mean over seeds of the runs' mean AUROCs, with the seed-averaged bootstrap interval.
    public var mean: Estimate
    /// Standard deviation of the runs' mean AUROCs across seeds (n - 1); nil below 2 seeds.
    public var seedStandardDeviation: Double?
    /// Per task, the mean over seeds.
    public var tasks: [Double?]
    /// Seed-averaged replicate values of the mean AUROC (NaN where undefined).
    var replicates: [Double]
  }

  /// An architecture's pretrained and random-init results and the boost.
  public struct ArchitectureRow: Sendable {
    public var architecture: String
    public var family: String
    public var parameters: Double?
    public var imagenetTop1: Double?
    /// Indices into ``ExperimentAnalysis/configurations``; nil when the experiment has no such
    /// runs.
    public var random: Int?
    public var pretrained: Int?
    /// Pretrained minus random init; nil unless both exist.
    public var boost: Estimate?
    /// See ``bootstrapPValue(differences:)``.
    public var boostP: Double?
    /// Holm-adjusted across the architectures with a boost.
    public var boostPHolm: Double?
  }

  /// A truncated configuration against the full pretrained model it was cut from.
  public struct TruncationRow: Sendable {
    public var architecture: String
    public var truncatedBlocks: Int
    /// Index into ``ExperimentAnalysis/configurations`` of the truncated model.
    public var configuration: Int
    /// Index of the full pretrained configuration.
    public var full: Int
    /// Truncated minus full.
    public var difference: Estimate
    public var p: Double?
    /// parameters(full) / parameters(truncated); nil when either count is unknown.
    public var parameterRatio: Double?
    /// Whether the drop is significant: the interval of the difference lies below 0.
    public var significantDrop: Bool
  }

  /// Per architecture: the smallest truncated model without a significant drop.
  public struct EfficiencyRow: Sendable {
    public var architecture: String
    /// Blocks cut in the chosen model (0: every truncation dropped significantly).
    public var truncatedBlocks: Int
    public var parameters: Double?
    public var parametersFull: Double?
    /// parametersFull / parameters (1 when nothing could be cut).
    public var efficiency: Double?
  }

  public let design: BootstrapDesign
  public let level: Double
  public let tasks: [String]
  public let studyCount: Int
  public let runs: [RunResult]
  public let configurations: [Configuration]
  public let architectures: [ArchitectureRow]
  public let truncation: [TruncationRow]
  public let efficiency: [EfficiencyRow]
  /// Mean efficiency over architectures with truncated models; nil if none.
  public let meanEfficiency: Double?
  /// ImageNet-vs-CheXpert and size correlations, per group (pretrained first).
  public let correlations: [CorrelationRow]
  /// How much of the AUROC variance family and size explain: random init first (the paper's
  /// claim), then pretrained; a group with too few architectures or families is absent.
  public let familySize: [FamilySize]
  /// Ordinary least squares of the boost on log10(parameters); nil below 3 architectures.
  public let boostFit: BoostFit?
  /// What could not be computed and why (a configuration without its twin, unknown
  /// parameters...), for the reader.
  public let gaps: [Gap]
  /// Per replicate, configuration mean AUROCs: `configurationReplicates[c][b]`.
  public var configurationReplicates: [[Double]] { configurations.map(\.replicates) }
}
