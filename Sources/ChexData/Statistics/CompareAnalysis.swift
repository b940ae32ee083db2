import ChexStats

/// The statistics of `compare` beyond two score runs, from a loaded evaluation set: which runs
/// are scores and which decisions, the thresholds that turn scores into decisions, then the
/// leaderboard, the readers against the curves, the decisions and the curves, every bootstrap
/// drawn from the same design.
public struct CompareAnalysis: Sendable {
  /// Runs scored with probabilities or logits (indices into `set.runNames`).
  public let scoreRuns: [Int]
  /// Runs whose values are binary decisions.
  public let decisionRuns: [Int]
  /// The readers (indices into `set.runNames`, after the runs).
  public let readers: [Int]
  public let provenance: EvaluationProvenance
  /// The task names, in the set's order.
  public let taskNames: [String]
  public let studyCount: Int
  public let design: BootstrapDesign
  public let level: Double
  public let thresholdRule: ThresholdRule?
  /// The set the thresholds were chosen on (`nil` for a fixed value).
  public let thresholdSet: EvaluationProvenance?
  public let thresholdSetStudies: Int
  /// `thresholds[scoreRun][task]`; empty without a rule.
  public let thresholds: [[Double]]
  public let leaderboard: Leaderboard?
  public let readerComparison: ReaderComparison?
  /// Entries: decision runs, thresholded score runs (named `RUN @ RULE`), readers.
  public let decisions: DecisionAnalysis?
  /// `curves[task][scoreRun]`, each `nil` where the task has one class; empty unless asked.
  public let curves: [[(roc: ROCCurve, precisionRecall: PrecisionRecallCurve?)?]]
  /// `reads[reader][task][study]`, for the figures' reader points.
  public let readerDecisions: [[[Bool]]]

  /// Classifies the runs, fixes the thresholds and computes every statistic.
  ///
  /// - Parameters:
  ///   - set: labels joined with the runs, then the readers.
  ///   - runCount: how many of `set`'s runs are runs (the rest are readers).
  ///   - allDecisions: treat every run as decisions (each value must be 0 or 1); otherwise a run
  ///     whose values are all 0 or 1 is a decision run.
  ///   - threshold: turns score runs into decisions; a data-chosen rule needs `thresholdSet`.
  ///   - thresholdSet: the labelled set a data-chosen threshold is fixed on, with one run per
  ///     score run in the same order.
  ///   - curves: whether to compute the ROC and precision-recall curves.
  /// - Throws: `DataError.notBinary` for a reader or decision run value that is not 0 or 1,
  ///   `.duplicateRunName`, `.thresholdRunCount`, `.thresholdUndefined`.
  public init(
    set: EvaluationSet, runCount: Int, allDecisions: Bool, threshold: ThresholdRule?,
    thresholdSet: EvaluationSet?, curves: Bool, design: BootstrapDesign, level: Double = 0.95,
    threads: Int? = nil
  ) throws(DataError) {
    let names = set.runNames
    var seen: [String: Int] = [:]
    for (i, name) in names.enumerated() {
      if let first = seen[name] {
        throw .duplicateRunName(
          name: name, firstPath: set.provenance.runs[first].path, secondPath: set.provenance.runs[i].path)
      }
      seen[name] = i
    }
    let runs = Array(0..<runCount)
    let scoreRuns = allDecisions ? [] : runs.filter { !set.isBinary(run: $0) }
    let decisionRuns = runs.filter { !scoreRuns.contains($0) }
    self.scoreRuns = scoreRuns
    self.decisionRuns = decisionRuns
    readers = Array(runCount..<names.count)
    provenance = set.provenance
    self.taskNames = set.tasks.map(\.name)
    studyCount = set.keys.count
    self.design = design
    self.level = level
    thresholdRule = threshold

    precondition(
      threshold?.isChosenFromData != true || thresholdSet != nil,
      "CompareAnalysis.init: a data-chosen threshold needs the set it is chosen on")
    var thresholds: [[Double]] = []
    if let threshold {
      if threshold.isChosenFromData, let chooser = thresholdSet {
        guard chooser.runNames.count == scoreRuns.count else {
          throw .thresholdRunCount(expected: scoreRuns.count, found: chooser.runNames.count)
        }
        for k in scoreRuns.indices {
          var perTask: [Double] = []
          for t in chooser.tasks.indices {
            guard let value = threshold.threshold(on: chooser.rankedScores(run: k, task: t)) else {
              throw .thresholdUndefined(
                labelsPath: chooser.provenance.labelsPath, runPath: chooser.provenance.runs[k].path,
                task: chooser.tasks[t].name, rule: threshold.description)
            }
            perTask.append(value)
          }
          thresholds.append(perTask)
        }
      } else if case .value(let t) = threshold {
        thresholds = scoreRuns.map { _ in set.tasks.map { _ in t } }
      }
    }
    self.thresholds = thresholds
    self.thresholdSet = threshold?.isChosenFromData == true ? thresholdSet?.provenance : nil
    thresholdSetStudies = thresholdSet?.keys.count ?? 0

    let reads = try readers.map { r throws(DataError) in try set.decisions(run: r) }
    readerDecisions = reads
    var entryNames = try decisionRuns.map { r throws(DataError) in names[r] }
    var entries = try decisionRuns.map { r throws(DataError) in try set.decisions(run: r) }
    for (k, r) in scoreRuns.enumerated() where !thresholds.isEmpty {
      let rule = threshold?.description ?? ""
      entryNames.append("\(names[r]) @ \(rule)")
      entries.append(
        set.tasks.indices.map { t in set.tasks[t].scores[r].map { $0 >= thresholds[k][t] } })
    }
    entryNames += readers.map { names[$0] }
    entries += reads

    // One sort per score run and task serves the leaderboard, the readers and the curves.
    let ranked = set.rankedScores(runs: scoreRuns)
    let taskNames = set.tasks.map(\.name)
    leaderboard =
      scoreRuns.isEmpty
      ? nil
      : Leaderboard(
        runs: scoreRuns.map { names[$0] }, names: taskNames, ranked: ranked, design: design, level: level,
        threads: threads)
    readerComparison =
      readers.isEmpty || scoreRuns.isEmpty
      ? nil
      : ReaderComparison(
        runs: scoreRuns.map { names[$0] }, readers: readers.map { names[$0] }, names: taskNames,
        labels: set.tasks.map(\.labels), ranked: ranked, reads: reads, design: design, level: level,
        threads: threads)
    decisions =
      entries.isEmpty
      ? nil
      : DecisionAnalysis(
        set, names: entryNames, decisions: entries, design: design, level: level, threads: threads)
    self.curves =
      curves
      ? set.tasks.indices.map { t in
        ranked.map { perTask in ROCCurve(perTask[t]).map { ($0, PrecisionRecallCurve(perTask[t])) } }
      } : []
  }

  /// Refuses two runs or readers with one name, which the report could not tell apart.
  static func checkNames(_ set: EvaluationSet) throws(DataError) {
    var seen: [String: Int] = [:]
    for (i, name) in set.runNames.enumerated() {
      if let first = seen[name] {
        throw .duplicateRunName(
          name: name, firstPath: set.provenance.runs[first].path, secondPath: set.provenance.runs[i].path)
      }
      seen[name] = i
    }
  }

  /// Doubles of bootstrap replicate storage per replicate and task, at most, for `runs` runs
  /// and `readers` readers: what `--replicates` is checked against before computing.
  public static func bootstrapWidth(runs: Int, readers: Int) -> Int {
    2 * runs + 2 + runs * (1 + 5 * (readers + 1)) + 7 * (2 * runs + readers)
  }
}

extension DecisionAnalysis {
  /// Reader `k`'s entry on task `t`, of `readers` readers: ``CompareAnalysis`` puts the readers
  /// after the decision runs and thresholded runs, so they are the last entries.
  public func readerEntry(task t: Int, reader k: Int, of readers: Int) -> Entry {
    tasks[t].entries[names.count - readers + k]
  }
}
