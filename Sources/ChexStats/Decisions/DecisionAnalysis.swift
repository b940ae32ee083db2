/// Binary decisions (models' thresholded outputs, decision runs, human readers) against the
/// labels: every ``BinaryMetric`` with a paired bootstrap interval, Wilson intervals for
/// sensitivity and specificity, and the paired difference of every metric between any two
/// decision makers, per task and averaged over the tasks.
///
/// The resamples are those of every other statistic under the same design, so a difference
/// between a model and a reader, or between two models, is paired study by study. A metric
/// undefined in a replicate (a denominator of 0 in the resample) skips that replicate for that
/// metric; the counts of usable replicates travel with each ``Estimate``.
public struct DecisionAnalysis: Sendable {
  /// One decision maker on one task.
  public struct Entry: Sendable {
    public let counts: ConfusionCounts
    /// One per metric, in ``BinaryMetric/allCases`` order.
    public let metrics: [Estimate]
    /// Wilson score intervals (``ConfidenceInterval/wilson(successes:trials:level:)``).
    public let sensitivityWilson: ConfidenceInterval?
    public let specificityWilson: ConfidenceInterval?

    public func estimate(_ metric: BinaryMetric) -> Estimate {
      metrics[BinaryMetric.allCases.firstIndex(of: metric) ?? 0]
    }
  }

  /// Two decision makers on one task (or the mean): `a - b` for every metric.
  public struct Pair: Sendable {
    public let a: Int
    public let b: Int
    /// One per metric, in ``BinaryMetric/allCases`` order.
    public let differences: [Estimate]
    public let p: [Double?]
  }

  public struct Task: Sendable {
    public let name: String
    public let positives: Int
    public let negatives: Int
    /// One per decision maker, in the caller's order.
    public let entries: [Entry]
    /// Every pair (a before b in the caller's order).
    public let pairs: [Pair]
  }

  /// Unweighted means over the tasks: per decision maker, one estimate per metric.
  public struct Mean: Sendable {
    public let tasks: [String]
    /// `metrics[entry][metric]`.
    public let metrics: [[Estimate]]
    public let pairs: [Pair]
  }

  public let design: BootstrapDesign
  public let level: Double
  public let names: [String]
  public let tasks: [Task]
  public let mean: Mean?
}

extension DecisionAnalysis {
  /// Evaluates every decision maker on every task.
  ///
  /// - Parameters:
  ///   - names: the decision makers' names.
  ///   - tasks: the task names.
  ///   - labels: `labels[task][study]`; `nil` excludes the study from that task.
  ///   - decisions: `decisions[entry][task][study]` (ignored where the label is `nil`).
  ///   - design, level, threads: as for ``Leaderboard``; a stratified design stratifies on
  ///     the labels of the (single) task.
  /// - Complexity: O(B T n E) for E decision makers, then O(E^2 T B) for the pairs.
  public init(
    names: [String], tasks taskNames: [String], labels: [[Bool?]], decisions: [[[Bool]]],
    design: BootstrapDesign = BootstrapDesign(), level: Double = 0.95, threads: Int? = nil
  ) {
    precondition(
      !names.isEmpty && names.count == decisions.count && !taskNames.isEmpty
        && taskNames.count == labels.count && decisions.allSatisfy { $0.count == taskNames.count },
      "DecisionAnalysis.init: one decision vector per entry and task, one label vector per task")
    let metrics = BinaryMetric.allCases
    let m = metrics.count
    let entryCount = names.count
    let taskCount = taskNames.count
    let sheets = (0..<taskCount).map { t in
      (0..<entryCount).map { e in DecisionSheet(labels: labels[t], decisions: decisions[e][t]) }
    }
    let width = taskCount * entryCount * m
    @Sendable func slot(_ t: Int, _ e: Int, _ k: Int) -> Int { (t * entryCount + e) * m + k }
    let evaluate: @Sendable (UnsafeBufferPointer<UInt32>?, UnsafeMutableBufferPointer<Double>) -> Void = {
      counts, output in
      for t in 0..<taskCount {
        for e in 0..<entryCount {
          let (tp, fp, tn, fn) = sheets[t][e].counts(counts)
          for (k, metric) in metrics.enumerated() {
            output[slot(t, e, k)] =
              metric.value(tp: Double(tp), fp: Double(fp), tn: Double(tn), fn: Double(fn)) ?? .nan
          }
        }
      }
    }
    var full = [Double](repeating: .nan, count: width)
    full.withUnsafeMutableBufferPointer { evaluate(nil, $0) }
    let stratum = RankedScores(labels: labels[0], scores: [Double](repeating: 0, count: labels[0].count))
    let boot = Bootstrap.evaluate(
      studyCount: labels[0].count, design: design, stratifyingTask: stratum, width: width,
      threads: threads
    ) { counts, output in evaluate(counts, output) }

    func value(_ index: Int) -> Double? { full[index].isNaN ? nil : full[index] }
    func pairs(point: (Int, Int) -> Double?, series: (Int, Int) -> [Double]) -> [Pair] {
      var pairs: [Pair] = []
      for a in 0..<entryCount {
        for b in (a + 1)..<entryCount {
          var differences: [Estimate] = []
          var p: [Double?] = []
          for k in 0..<m {
            let d = zip(series(a, k), series(b, k)).map { $0 - $1 }
            let difference = point(a, k).flatMap { x in point(b, k).map { x - $0 } }
            differences.append(Estimate(difference, replicates: d, level: level))
            p.append(difference == nil ? nil : bootstrapPValue(differences: d))
          }
          pairs.append(Pair(a: a, b: b, differences: differences, p: p))
        }
      }
      return pairs
    }

    var tasks: [Task] = []
    for t in 0..<taskCount {
      let entries = (0..<entryCount).map { e in
        let counts = sheets[t][e].table
        return Entry(
          counts: counts,
          metrics: (0..<m).map { k in
            Estimate(value(slot(t, e, k)), replicates: boot.series(slot(t, e, k)), level: level)
          },
          sensitivityWilson: .wilson(successes: counts.truePositives, trials: counts.positives, level: level),
          specificityWilson: .wilson(successes: counts.trueNegatives, trials: counts.negatives, level: level))
      }
      let table = sheets[t][0].table
      tasks.append(
        Task(
          name: taskNames[t], positives: table.positives, negatives: table.negatives, entries: entries,
          pairs: pairs(point: { value(slot(t, $0, $1)) }, series: { boot.series(slot(t, $0, $1)) })))
    }

    // The mean over tasks with both classes; a metric undefined on a covered task leaves that
    // entry's mean of that metric undefined.
    let meanTasks = (0..<taskCount).filter { tasks[$0].positives > 0 && tasks[$0].negatives > 0 }
    var mean: Mean?
    if !meanTasks.isEmpty {
      let k = Double(meanTasks.count)
      func meanPoint(_ e: Int, _ j: Int) -> Double? {
        let values = meanTasks.map { full[slot($0, e, j)] }
        return values.contains(where: \.isNaN) ? nil : values.reduce(0, +) / k
      }
      func meanSeries(_ e: Int, _ j: Int) -> [Double] {
        (0..<design.replicates).map { b in
          meanTasks.reduce(0.0) { $0 + boot.value(replicate: b, slot($1, e, j)) } / k
        }
      }
      mean = Mean(
        tasks: meanTasks.map { taskNames[$0] },
        metrics: (0..<entryCount).map { e in
          (0..<m).map { j in Estimate(meanPoint(e, j), replicates: meanSeries(e, j), level: level) }
        },
        pairs: pairs(point: meanPoint, series: meanSeries))
    }
    self.init(design: design, level: level, names: names, tasks: tasks, mean: mean)
  }
}

/// One decision maker's decisions on one task's included studies, split by cell.
struct DecisionSheet: Sendable {
  let truePositives: [Int32]
  let falsePositives: [Int32]
  let trueNegatives: [Int32]
  let falseNegatives: [Int32]

  init(labels: [Bool?], decisions: [Bool]) {
    precondition(labels.count == decisions.count, "DecisionSheet.init: one decision per study")
    var cells: [[Int32]] = [[], [], [], []]
    for (i, label) in labels.enumerated() {
      guard let label else { continue }
      cells[(label ? 0 : 2) + (decisions[i] == label ? 0 : 1)].append(Int32(i))
    }
    truePositives = cells[0]
    falseNegatives = cells[1]
    trueNegatives = cells[2]
    falsePositives = cells[3]
  }

  var table: ConfusionCounts {
    ConfusionCounts(
      truePositives: truePositives.count, falsePositives: falsePositives.count,
      trueNegatives: trueNegatives.count, falseNegatives: falseNegatives.count)
  }

  /// The cells under multiplicities `counts` (nil: once each).
  /// - Complexity: O(included studies).
  func counts(_ counts: UnsafeBufferPointer<UInt32>?) -> (Int64, Int64, Int64, Int64) {
    func sum(_ studies: [Int32]) -> Int64 {
      guard let counts else { return Int64(studies.count) }
      var total: Int64 = 0
      for i in studies { total += Int64(counts[Int(i)]) }
      return total
    }
    return (sum(truePositives), sum(falsePositives), sum(trueNegatives), sum(falseNegatives))
  }
}
