import ChexData
import ChexStats

/// Everything `chexstats compare` reports: where the data came from, how it was evaluated,
/// and the statistics. Renderers turn it into Markdown, CSV or JSON without computing anything.
public struct ComparisonReport: Sendable {
  /// A run as the report names it: its name and the path it was loaded from.
  public typealias RunDescription = EvaluationProvenance.RunReference

  /// How the labels and predictions were turned into the evaluated studies.
  public struct Evaluation: Sendable, Equatable {
    /// The labels file as given.
    public var labelsPath: String
    /// `study-max`, `study-mean` or `image`.
    public var aggregation: String
    /// `ignore`, `zeros` or `ones`.
    public var uncertainPolicy: String
    /// `ignore` or `zeros`.
    public var blankPolicy: String
    /// Studies (or images) evaluated.
    public var studies: Int
    /// Set when `--intersect` evaluated only the common studies: what was dropped.
    public var intersection: Intersection?

    public init(
      labelsPath: String, aggregation: String, uncertainPolicy: String, blankPolicy: String,
      studies: Int, intersection: Intersection? = nil
    ) {
      self.labelsPath = labelsPath
      self.aggregation = aggregation
      self.uncertainPolicy = uncertainPolicy
      self.blankPolicy = blankPolicy
      self.studies = studies
      self.intersection = intersection
    }
  }

  /// What `--intersect` left out.
  public struct Intersection: Sendable, Equatable {
    /// Studies in the labels that some run did not score.
    public var droppedFromLabels: Int
    /// Per run (A, B): studies it scored that the labels do not have.
    public var droppedFromRuns: [Int]
    public init(droppedFromLabels: Int, droppedFromRuns: [Int]) {
      self.droppedFromLabels = droppedFromLabels
      self.droppedFromRuns = droppedFromRuns
    }
  }

  public var runA: RunDescription
  public var runB: RunDescription
  public var evaluation: Evaluation
  public var comparison: ModelComparison
  /// The chexstats version that made the report.
  public var version: String

  public init(
    runA: RunDescription, runB: RunDescription, evaluation: Evaluation,
    comparison: ModelComparison, version: String = ChexstatsVersion.current
  ) {
    self.runA = runA
    self.runB = runB
    self.evaluation = evaluation
    self.comparison = comparison
    self.version = version
  }
}

extension ComparisonReport {
  /// The report of a finished comparison of the two runs of an evaluation set.
  ///
  /// - Parameters:
  ///   - comparison: run A (the set's first run) against run B (its second).
  ///   - provenance: the set's files and policies; the intersection counts are reported only
  ///     when the set was made with `intersect`.
  public init(comparison: ModelComparison, provenance: EvaluationProvenance) {
    precondition(provenance.runs.count == 2, "ComparisonReport.init(comparison:provenance:): two runs")
    self.init(
      runA: provenance.runs[0], runB: provenance.runs[1],
      evaluation: Evaluation(
        labelsPath: provenance.labelsPath, aggregation: provenance.aggregation.rawValue,
        uncertainPolicy: provenance.uncertain.rawValue, blankPolicy: provenance.blank.rawValue,
        studies: comparison.studyCount,
        intersection: provenance.intersect
          ? Intersection(
            droppedFromLabels: provenance.droppedFromLabels, droppedFromRuns: provenance.droppedFromRuns)
          : nil),
      comparison: comparison)
  }
}

/// The version printed in reports and by `chexstats --version`.
public enum ChexstatsVersion {
  public static let current = "0.1.0"
}
