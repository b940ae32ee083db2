import ChexData
import ChexStats

/// Everything `chexstats compare` reports beyond two score runs: the leaderboard of the score
/// runs, human readers against the models' curves, binary decisions (decision runs, thresholded
/// score runs, readers), with where the data came from. Renderers turn it into Markdown, CSV or
/// JSON without computing anything.
public struct LeaderboardReport: Sendable {
  public typealias RunDescription = EvaluationProvenance.RunReference

  /// How score runs were turned into decisions.
  public struct Thresholds: Sendable {
    public var rule: ThresholdRule
    /// The labelled set the threshold was chosen on (`nil` for a fixed value).
    public var chosenOn: ChosenOn?
    /// `values[run][task]`: the threshold of each score run (in `scoreRuns` order) per task.
    public var values: [[Double]]

    public struct ChosenOn: Sendable {
      public var labelsPath: String
      public var runPaths: [String]
      public var studies: Int
      public init(labelsPath: String, runPaths: [String], studies: Int) {
        self.labelsPath = labelsPath
        self.runPaths = runPaths
        self.studies = studies
      }
    }

    public init(rule: ThresholdRule, chosenOn: ChosenOn?, values: [[Double]]) {
      self.rule = rule
      self.chosenOn = chosenOn
      self.values = values
    }
  }

  public var evaluation: ComparisonReport.Evaluation
  /// Runs scored with probabilities or logits (the leaderboard's rows).
  public var scoreRuns: [RunDescription]
  /// Runs whose values are binary decisions.
  public var decisionRuns: [RunDescription]
  public var readers: [RunDescription]
  /// Every run and reader in the order given on the command line: the order of
  /// `evaluation.intersection?.droppedFromRuns`.
  public var inputs: [RunDescription]
  public var design: BootstrapDesign
  public var level: Double
  /// `nil` without score runs.
  public var leaderboard: Leaderboard?
  /// `nil` without readers or without score runs.
  public var readerComparison: ReaderComparison?
  /// `nil` without decision runs, thresholds or readers. Its entries are the decision runs,
  /// then the thresholded score runs, then the readers.
  public var decisions: DecisionAnalysis?
  public var thresholds: Thresholds?
  /// The folder the curves were written to (`--curves`), for the report to point at.
  public var curvesFolder: String?
  public var version: String

  public init(
    evaluation: ComparisonReport.Evaluation, scoreRuns: [RunDescription], decisionRuns: [RunDescription],
    readers: [RunDescription], design: BootstrapDesign, level: Double, leaderboard: Leaderboard?,
    readerComparison: ReaderComparison?, decisions: DecisionAnalysis?, thresholds: Thresholds?,
    curvesFolder: String?, inputs: [RunDescription]? = nil, version: String = ChexstatsVersion.current
  ) {
    self.inputs = inputs ?? (scoreRuns + decisionRuns + readers)
    self.evaluation = evaluation
    self.scoreRuns = scoreRuns
    self.decisionRuns = decisionRuns
    self.readers = readers
    self.design = design
    self.level = level
    self.leaderboard = leaderboard
    self.readerComparison = readerComparison
    self.decisions = decisions
    self.thresholds = thresholds
    self.curvesFolder = curvesFolder
    self.version = version
  }
}

extension ComparisonReport.Evaluation {
  /// The evaluation as a set's provenance describes it.
  public init(_ provenance: EvaluationProvenance, studies: Int) {
    self.init(
      labelsPath: provenance.labelsPath, aggregation: provenance.aggregation.rawValue,
      uncertainPolicy: provenance.uncertain.rawValue, blankPolicy: provenance.blank.rawValue,
      studies: studies,
      intersection: provenance.intersect
        ? ComparisonReport.Intersection(
          droppedFromLabels: provenance.droppedFromLabels, droppedFromRuns: provenance.droppedFromRuns)
        : nil)
  }
}

extension LeaderboardReport {
  /// The report of a finished analysis.
  ///
  /// - Parameter curvesFolder: where `--curves` wrote the curves, or `nil`.
  public init(_ analysis: CompareAnalysis, curvesFolder: String?) {
    let runs = analysis.provenance.runs
    self.init(
      evaluation: ComparisonReport.Evaluation(analysis.provenance, studies: analysis.studyCount),
      scoreRuns: analysis.scoreRuns.map { runs[$0] }, decisionRuns: analysis.decisionRuns.map { runs[$0] },
      readers: analysis.readers.map { runs[$0] }, design: analysis.design, level: analysis.level,
      leaderboard: analysis.leaderboard, readerComparison: analysis.readerComparison,
      decisions: analysis.decisions,
      thresholds: analysis.thresholdRule.map { rule in
        Thresholds(
          rule: rule,
          chosenOn: analysis.thresholdSet.map {
            .init(
              labelsPath: $0.labelsPath, runPaths: $0.runs.map(\.path), studies: analysis.thresholdSetStudies)
          }, values: analysis.thresholds)
      }, curvesFolder: curvesFolder, inputs: runs)
  }
}

extension CurveFiles {
  /// What the curve files and figures show for each task of `analysis` (empty when it computed
  /// no curves).
  public static func tasks(_ analysis: CompareAnalysis) -> [Task] {
    guard !analysis.curves.isEmpty else { return [] }
    let names = analysis.provenance.runs.map(\.name)
    let readerCount = analysis.readers.count
    return analysis.curves.indices.map { t in
      let boardTask = analysis.leaderboard?.tasks[t]
      var runs: [RunCurves] = []
      for (k, r) in analysis.scoreRuns.enumerated() {
        guard let curve = analysis.curves[t][k] else { continue }
        let entry = boardTask?.entries[k]
        runs.append(
          RunCurves(
            run: names[r], roc: curve.roc, precisionRecall: curve.precisionRecall, auroc: entry?.auroc.value,
            averagePrecision: entry?.averagePrecision.value))
      }
      var readers: [CurvesFigure.Reader] = []
      var positives = boardTask?.positives ?? 0
      var negatives = boardTask?.negatives ?? 0
      if let decisions = analysis.decisions {
        let task = decisions.tasks[t]
        positives = task.positives
        negatives = task.negatives
        for k in 0..<readerCount {
          let entry = decisions.readerEntry(task: t, reader: k, of: readerCount)
          guard let sensitivity = entry.estimate(.sensitivity).value,
            let specificity = entry.estimate(.specificity).value
          else { continue }
          readers.append(
            CurvesFigure.Reader(
              name: analysis.provenance.runs[analysis.readers[k]].name, sensitivity: sensitivity,
              specificity: specificity,
              precision: entry.estimate(.ppv).value))
        }
      }
      var mean: CurvesFigure.ReaderMean?
      if readerCount > 1, let task = analysis.readerComparison?.tasks[t],
        let sensitivity = task.readerMeanSensitivity.value, let specificity = task.readerMeanSpecificity.value
      {
        mean = CurvesFigure.ReaderMean(
          sensitivity: FigureEstimate(sensitivity, interval: task.readerMeanSensitivity.interval),
          specificity: FigureEstimate(specificity, interval: task.readerMeanSpecificity.interval))
      }
      return Task(
        name: analysis.taskNames[t], positives: positives, negatives: negatives, runs: runs, readers: readers,
        readerMean: mean)
    }
  }

  /// Every file `--curves` writes for `analysis`.
  public static func files(_ analysis: CompareAnalysis) -> [(name: String, text: String)] {
    files(tasks(analysis), design: analysis.design, provenance: analysis.provenance)
  }
}
