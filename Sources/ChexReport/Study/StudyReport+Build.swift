import ChexData
import ChexStats

extension StudyReport {
  /// Analyses the runs of a joined evaluation set.
  ///
  /// - Parameters:
  ///   - set: studies, tasks, labels and every run's scores (in `runs` order).
  ///   - runs: the runs with resolved metadata, in the set's run order.
  ///   - labelsPath, architectureTablePath, aggregation: for the report's methods.
  ///   - design, level, threads: the shared bootstrap.
  ///   - architectureOrder: the order of architectures in tables (the reference table's).
  public init(
    set: EvaluationSet, runs: [StudyRun], labelsPath: String, architectureTablePath: String?,
    aggregation: Aggregation, design: BootstrapDesign, level: Double = 0.95, threads: Int? = nil,
    architectureOrder: [String] = []
  ) {
    precondition(set.runNames.count == runs.count, "StudyReport.init(set:...): one StudyRun per run")
    let analysisRuns = runs.map { run in
      StudyAnalysis.Run(
        name: run.name, architecture: run.architecture, family: run.family.value,
        pretrained: run.pretrained, truncatedBlocks: run.truncatedBlocks, seed: run.seed,
        parameters: run.parameters.map { Double($0.value) }, imagenetTop1: run.imagenetTop1?.value)
    }
    let scores = runs.indices.map { r in set.tasks.map { $0.scores[r] } }
    let analysis = StudyAnalysis(
      runs: analysisRuns, tasks: set.tasks.map(\.name), labels: set.tasks.map(\.labels),
      scores: scores, design: design, level: level, threads: threads,
      architectureOrder: architectureOrder)
    self.init(
      labelsPath: labelsPath, architectureTablePath: architectureTablePath,
      aggregation: aggregation.rawValue, uncertainPolicy: set.uncertain.rawValue,
      blankPolicy: set.blank.rawValue, runs: runs, analysis: analysis)
    self.correlations = StudyCorrelations.rows(analysis)
    self.familySize = StudyCorrelations.familySize(analysis, pretrained: false)
    self.boostFit = StudyCorrelations.boostFit(analysis)
  }
}

/// The across-architecture statistics of a study analysis (correlations, family vs size,
/// boost vs size), computed on the full-model configurations.
enum StudyCorrelations {
  static func rows(_ analysis: StudyAnalysis) -> [CorrelationRow] { [] }
  static func familySize(_ analysis: StudyAnalysis, pretrained: Bool) -> FamilySizeSummary? { nil }
  static func boostFit(_ analysis: StudyAnalysis) -> BoostFitSummary? { nil }
}
