import ChexData
import ChexStats

extension ComparisonReport {
  /// Compares the first two runs of a joined evaluation set and describes how.
  ///
  /// - Parameters:
  ///   - set: the studies, tasks, labels and scores of exactly two runs (A then B).
  ///   - runs: the two runs, for their names and paths.
  ///   - labelsPath: the labels file as the user gave it.
  ///   - aggregation: how image scores became study scores.
  ///   - design: the bootstrap design.
  ///   - level: the confidence level.
  ///   - threads: bootstrap threads (the result does not depend on it).
  public init(
    set: EvaluationSet, runs: [Run], labelsPath: String, aggregation: Aggregation,
    intersect: Bool, design: BootstrapDesign, level: Double = 0.95, threads: Int? = nil
  ) {
    precondition(
      runs.count == 2 && set.runNames.count == 2,
      "ComparisonReport.init(set:...): compare takes exactly two runs")
    let comparison = ModelComparison(
      names: set.tasks.map(\.name), labels: set.tasks.map(\.labels),
      scoresA: set.tasks.map { $0.scores[0] }, scoresB: set.tasks.map { $0.scores[1] },
      design: design, level: level, threads: threads)
    self.init(
      runA: RunDescription(name: runs[0].name, path: runs[0].path),
      runB: RunDescription(name: runs[1].name, path: runs[1].path),
      evaluation: Evaluation(
        labelsPath: labelsPath, aggregation: aggregation.rawValue,
        uncertainPolicy: set.uncertain.rawValue, blankPolicy: set.blank.rawValue,
        studies: set.keys.count,
        intersection: intersect
          ? Intersection(droppedFromLabels: set.droppedFromLabels, droppedFromRuns: set.droppedFromRuns)
          : nil),
      comparison: comparison)
  }
}
