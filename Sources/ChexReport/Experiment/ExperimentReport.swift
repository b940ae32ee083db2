import ChexData
import ChexStats

/// Everything `chexstats report` writes: the runs with the source of each metadata value, the
/// evaluation policies, and the finished analysis. Renderers turn it into Markdown, CSV, JSON
/// and SVG without computing anything.
public struct ExperimentReport: Sendable {
  public var labelsPath: String
  public var architectureTablePath: String?
  public var aggregation: String
  public var uncertainPolicy: String
  public var blankPolicy: String
  /// The runs as resolved (same order as ``analysis``'s runs).
  public var runs: [ExperimentRun]
  public var analysis: ExperimentAnalysis
  public var version: String

  public init(
    labelsPath: String, architectureTablePath: String?, aggregation: String,
    uncertainPolicy: String, blankPolicy: String, runs: [ExperimentRun], analysis: ExperimentAnalysis,
    version: String = ChexstatsVersion.current
  ) {
    self.labelsPath = labelsPath
    self.architectureTablePath = architectureTablePath
    self.aggregation = aggregation
    self.uncertainPolicy = uncertainPolicy
    self.blankPolicy = blankPolicy
    self.runs = runs
    self.analysis = analysis
    self.version = version
  }
}

extension ExperimentReport {
  /// The report of a finished analysis of a loaded experiment.
  public init(experiment: Experiment, analysis: ExperimentAnalysis) {
    precondition(
      experiment.runs.count == analysis.runs.count,
      "ExperimentReport.init(experiment:analysis:): the analysis must be of this experiment's runs")
    let provenance = experiment.evaluation.provenance
    self.init(
      labelsPath: provenance.labelsPath, architectureTablePath: experiment.architectureTable?.path,
      aggregation: provenance.aggregation.rawValue, uncertainPolicy: provenance.uncertain.rawValue,
      blankPolicy: provenance.blank.rawValue, runs: experiment.runs, analysis: analysis)
  }

  /// ImageNet-vs-CheXpert and size correlations, per group.
  public var correlations: [ExperimentAnalysis.CorrelationRow] { analysis.correlations }
  /// Family vs size, random init first.
  public var familySize: [ExperimentAnalysis.FamilySize] { analysis.familySize }
  /// Ordinary least squares of the boost on log10(parameters).
  public var boostFit: ExperimentAnalysis.BoostFit? { analysis.boostFit }

  /// Every file of the report folder, as (path relative to the folder, text): the CSV tables,
  /// `report.md`, `report.json` and the SVG figures.
  public var files: [(name: String, text: String)] {
    ExperimentCSV.render(self) + [
      ("report.md", ExperimentMarkdown.render(self)), ("report.json", ExperimentJSON.render(self)),
    ] + ExperimentFigures.render(self)
  }
}
