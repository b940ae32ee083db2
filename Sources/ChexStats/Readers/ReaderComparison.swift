/// Models' ROC curves against human readers' operating points, the CheXpert leaderboard's
/// "Num Rads Below Curve" and the paired differences behind it.
///
/// A reader gives a binary read per study, so on a task it has one operating point
/// (1 - specificity, sensitivity). The reader lies **below the curve** of a model when the
/// reader's sensitivity is strictly less than the sensitivity of the upper envelope of the
/// model's empirical ROC curve at the reader's false-positive rate (see ``CurveReading``); a
/// reader exactly on the curve is not below it. Both points share the task's positives and
/// negatives, so the comparison is made on counts and is exact.
///
/// For each model and reader: the model's sensitivity at the reader's specificity and its
/// specificity at the reader's sensitivity, read from the same envelope, and their paired
/// differences from the reader (model - reader) with bootstrap intervals and p-values
/// (``bootstrapPValue(differences:)``); in every replicate the reader's point and the model's
/// curve are both recomputed on the resample. The same against the readers' mean operating
/// point (mean sensitivity, mean specificity), which is how the CheXpert paper summarises its
/// three radiologists. The count of readers below a model's curve is bootstrapped alike, per
/// task and as its mean over the tasks with both classes.
///
/// The resamples are those of every other statistic under the same design (see
/// ``Bootstrap/evaluate(studyCount:design:stratifyingTask:width:threads:statistic:)``).
public struct ReaderComparison: Sendable {
  /// A model against one reader, or against the readers' mean.
  public struct Versus: Sendable {
    /// Whether the reader's point lies strictly below the model's curve.
    public let below: Bool
    public let sensitivityAtReaderSpecificity: Estimate
    /// The model's sensitivity at the reader's specificity minus the reader's sensitivity.
    public let sensitivityDifference: Estimate
    public let sensitivityP: Double?
    public let specificityAtReaderSensitivity: Estimate
    /// The model's specificity at the reader's sensitivity minus the reader's specificity.
    public let specificityDifference: Estimate
    public let specificityP: Double?
  }

  /// One model on one task.
  public struct RunOnTask: Sendable {
    /// The number of readers below the model's curve, with its bootstrap interval.
    public let readersBelow: Estimate
    /// One per reader, in the caller's order.
    public let readers: [Versus]
    public let readerMean: Versus
  }

  public struct Task: Sendable {
    public let name: String
    public let positives: Int
    public let negatives: Int
    /// The readers' mean sensitivity and specificity with bootstrap intervals.
    public let readerMeanSensitivity: Estimate
    public let readerMeanSpecificity: Estimate
    /// One per model; `nil` when the task has one class (no curve).
    public let runs: [RunOnTask]?
  }

  /// The count of readers below each model's curve, averaged over the tasks with both classes.
  public struct Mean: Sendable {
    public let tasks: [String]
    /// One per model.
    public let readersBelow: [Estimate]
  }

  public let design: BootstrapDesign
  public let level: Double
  public let runs: [String]
  public let readers: [String]
  public let tasks: [Task]
  public let mean: Mean?
}

extension ReaderComparison {
  /// Places every reader against every model's curve on every task.
  ///
  /// - Parameters:
  ///   - runs: the models' names; `readers`: the readers' names (at least one).
  ///   - names: the task names.
  ///   - labels: `labels[task][study]`; `nil` excludes the study from that task.
  ///   - scores: `scores[run][task][study]`, finite where the label is not `nil`.
  ///   - reads: `reads[reader][task][study]`, the reader's binary read (ignored where the
  ///     label is `nil`).
  ///   - design, level, threads: as for ``Leaderboard``.
  /// - Complexity: O(R T n log n) to sort, then O(B T n R (K + 1)) for K readers.
  public init(
    runs: [String], readers: [String], names: [String], labels: [[Bool?]], scores: [[[Double]]],
    reads: [[[Bool]]], design: BootstrapDesign = BootstrapDesign(), level: Double = 0.95,
    threads: Int? = nil
  ) {
    precondition(
      runs.count == scores.count && names.count == labels.count
        && scores.allSatisfy { $0.count == names.count },
      "ReaderComparison.init: one score vector per run and task, one label vector per task")
    self.init(
      runs: runs, readers: readers, names: names, labels: labels,
      ranked: scores.map { perTask in zip(labels, perTask).map { RankedScores(labels: $0, scores: $1) } },
      reads: reads, design: design, level: level, threads: threads)
  }

  /// As above, from scores already sorted, `ranked[run][task]` (built from `labels`): the entry
  /// for callers that sort once for several statistics.
  /// - Complexity: O(B T n R (K + 1)) for K readers.
  public init(
    runs: [String], readers: [String], names: [String], labels: [[Bool?]], ranked: [[RankedScores]],
    reads: [[[Bool]]], design: BootstrapDesign = BootstrapDesign(), level: Double = 0.95,
    threads: Int? = nil
  ) {
    precondition(
      !runs.isEmpty && !readers.isEmpty && runs.count == ranked.count
        && readers.count == reads.count && !names.isEmpty && names.count == labels.count
        && ranked.allSatisfy { $0.count == names.count } && reads.allSatisfy { $0.count == names.count },
      "ReaderComparison.init: one ranked score vector per run and task, one read vector per reader and task")
    let runCount = runs.count
    let readerCount = readers.count
    let taskCount = names.count
    let sheets = (0..<taskCount).map { t in
      (0..<readerCount).map { k in ReadSheet(labels: labels[t], reads: reads[k][t]) }
    }
    let layout = Layout(runs: runCount, readers: readerCount, tasks: taskCount)

    // Full sample (counts nil) and every replicate go through the same evaluation.
    let evaluate: @Sendable (UnsafeBufferPointer<UInt32>?, UnsafeMutableBufferPointer<Double>) -> Void = {
      counts, output in
      for t in 0..<taskCount {
        let (p, q) = CurveReading.totals(ranked[0][t], counts: counts)
        guard p > 0 && q > 0 else { continue }  // left NaN
        let points = sheets[t].map { $0.counts(counts) }
        let meanTP = points.reduce(0.0) { $0 + Double($1.tp) } / Double(readerCount)
        let meanFP = points.reduce(0.0) { $0 + Double($1.fp) } / Double(readerCount)
        output[layout.readerMean(t)] = meanTP / Double(p)
        output[layout.readerMean(t) + 1] = 1 - meanFP / Double(q)
        for r in 0..<runCount {
          var below = 0
          for k in 0...readerCount {
            let (tp, fp) = k < readerCount ? (Double(points[k].tp), Double(points[k].fp)) : (meanTP, meanFP)
            let curveTP = CurveReading.truePositives(ranked[r][t], counts: counts, atFalsePositives: fp)
            let curveFP = CurveReading.falsePositives(ranked[r][t], counts: counts, atTruePositives: tp)
            let base = layout.versus(t, r, k)
            output[base] = curveTP / Double(p)
            output[base + 1] = (curveTP - tp) / Double(p)
            output[base + 2] = 1 - curveFP / Double(q)
            output[base + 3] = (fp - curveFP) / Double(q)
            output[base + 4] = tp < curveTP ? 1 : 0
            if k < readerCount && tp < curveTP { below += 1 }
          }
          output[layout.below(t, r)] = Double(below)
        }
      }
    }
    var full = [Double](repeating: .nan, count: layout.width)
    full.withUnsafeMutableBufferPointer { evaluate(nil, $0) }
    let boot = Bootstrap.evaluate(
      studyCount: labels[0].count, design: design, stratifyingTask: ranked[0][0], width: layout.width,
      threads: threads
    ) { counts, output in evaluate(counts, output) }

    func estimate(_ index: Int) -> Estimate {
      Estimate(full[index].isNaN ? nil : full[index], replicates: boot.series(index), level: level)
    }
    func versus(_ t: Int, _ r: Int, _ k: Int) -> Versus {
      let base = layout.versus(t, r, k)
      return Versus(
        below: full[base + 4] == 1,
        sensitivityAtReaderSpecificity: estimate(base),
        sensitivityDifference: estimate(base + 1),
        sensitivityP: bootstrapPValue(differences: boot.series(base + 1)),
        specificityAtReaderSensitivity: estimate(base + 2),
        specificityDifference: estimate(base + 3),
        specificityP: bootstrapPValue(differences: boot.series(base + 3)))
    }
    var tasks: [Task] = []
    var meanTasks: [Int] = []
    for t in 0..<taskCount {
      let defined = ranked[0][t].isDefined
      if defined { meanTasks.append(t) }
      tasks.append(
        Task(
          name: names[t], positives: ranked[0][t].positives, negatives: ranked[0][t].negatives,
          readerMeanSensitivity: estimate(layout.readerMean(t)),
          readerMeanSpecificity: estimate(layout.readerMean(t) + 1),
          runs: defined
            ? (0..<runCount).map { r in
              RunOnTask(
                readersBelow: estimate(layout.below(t, r)),
                readers: (0..<readerCount).map { versus(t, r, $0) },
                readerMean: versus(t, r, readerCount))
            } : nil))
    }
    var mean: Mean?
    if !meanTasks.isEmpty {
      let k = Double(meanTasks.count)
      let belowMeans = (0..<runCount).map { r in
        let point = meanTasks.reduce(0.0) { $0 + full[layout.below($1, r)] } / k
        let series = (0..<design.replicates).map { b in
          meanTasks.reduce(0.0) { $0 + boot.value(replicate: b, layout.below($1, r)) } / k
        }
        return Estimate(point, replicates: series, level: level)
      }
      mean = Mean(tasks: meanTasks.map { names[$0] }, readersBelow: belowMeans)
    }
    self.init(
      design: design, level: level, runs: runs, readers: readers, tasks: tasks, mean: mean)
  }
}

/// Where each value of one evaluation lives in the flat replicate vector.
private struct Layout: Sendable {
  let runs: Int
  let readers: Int
  let tasks: Int
  /// Per task: 2 (readers' mean sensitivity, specificity) + runs x (1 below count +
  /// (readers + 1) x 5 values).
  var perTask: Int { 2 + runs * (1 + (readers + 1) * 5) }
  var width: Int { tasks * perTask }
  func readerMean(_ t: Int) -> Int { t * perTask }
  func below(_ t: Int, _ r: Int) -> Int { t * perTask + 2 + r * (1 + (readers + 1) * 5) }
  func versus(_ t: Int, _ r: Int, _ k: Int) -> Int { below(t, r) + 1 + k * 5 }
}

/// A reader's reads on one task's included studies, ready for weighted counting.
struct ReadSheet: Sendable {
  /// Studies the reader called positive, split by label.
  let positiveReadsOfPositives: [Int32]
  let positiveReadsOfNegatives: [Int32]

  init(labels: [Bool?], reads: [Bool]) {
    precondition(labels.count == reads.count, "ReadSheet.init: one read per study")
    var tp: [Int32] = []
    var fp: [Int32] = []
    for (i, label) in labels.enumerated() where reads[i] {
      if label == true { tp.append(Int32(i)) } else if label == false { fp.append(Int32(i)) }
    }
    positiveReadsOfPositives = tp
    positiveReadsOfNegatives = fp
  }

  /// True and false positives of the reads under multiplicities `counts` (nil: once each).
  /// - Complexity: O(reads called positive).
  func counts(_ counts: UnsafeBufferPointer<UInt32>?) -> (tp: Int64, fp: Int64) {
    guard let counts else {
      return (Int64(positiveReadsOfPositives.count), Int64(positiveReadsOfNegatives.count))
    }
    var tp: Int64 = 0
    var fp: Int64 = 0
    for i in positiveReadsOfPositives { tp += Int64(counts[Int(i)]) }
    for i in positiveReadsOfNegatives { fp += Int64(counts[Int(i)]) }
    return (tp, fp)
  }
}
