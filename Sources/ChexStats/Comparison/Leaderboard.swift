/// Many models ranked on several tasks of the same studies: each model's AUROC and average
/// precision with bootstrap intervals, its rank with a bootstrap interval of the rank, and
/// every pair's paired difference with bootstrap and DeLong p-values, Holm-adjusted across the
/// pairs; all on one set of paired resamples.
///
/// Ranks: in the full sample and in each replicate, the model with the highest AUROC ranks 1;
/// tied models share the mean of their ranks (1.5 each for a tie at the top). The rank
/// interval is read from the sorted replicate ranks at the inverse-CDF quantiles:
/// `sorted[ceil(B alpha/2) - 1]` and `sorted[ceil(B (1 - alpha/2)) - 1]`, entries 24 and 974
/// of 1000 at 95%, the indices the CheXpert group's scripts read their intervals at, so the
/// bounds are ranks actually seen. Replicates where the task has one class are skipped (for
/// the mean: where any covered task has one class). See P. Hall and H. Miller, "Using the
/// bootstrap to quantify the authority of an empirical ranking", Annals of Statistics 37
/// (2009) 3929-3959, on what such intervals do and do not cover.
///
/// Pairs: for models a and b in leaderboard order (a above b), the difference a - b with its
/// paired percentile interval and ``bootstrapPValue(differences:)``, and per task the paired
/// DeLong test. Within each task (and the mean) the p-values of the pairs are adjusted by Holm's
/// method (``MultipleTesting/holm(_:)``): bootstrap and DeLong separately.
public struct Leaderboard: Sendable {
  /// One model on one task (or the mean).
  public struct Entry: Sendable {
    /// The model's index in the caller's order.
    public let run: Int
    public let auroc: Estimate
    /// The average precision (area under the step-wise precision-recall curve).
    public let averagePrecision: Estimate
    /// The rank by AUROC on the full sample (1 = highest); `nil` when AUROC is undefined.
    public let rank: Double?
    /// The bootstrap interval of the rank; `nil` when no replicate was usable.
    public let rankInterval: ConfidenceInterval?
  }

  /// Two models compared on one task (or the mean).
  public struct Pair: Sendable {
    /// The models' indices: `a` ranks above `b` on the mean.
    public let a: Int
    public let b: Int
    /// AUROC_a - AUROC_b with the paired bootstrap interval.
    public let difference: Estimate
    public let bootstrapP: Double?
    /// `bootstrapP` adjusted by Holm across the pairs of this task.
    public let bootstrapPHolm: Double?
    /// The paired DeLong test (per task only; `nil` for the mean and with fewer than 2 cases
    /// or controls).
    public let deLong: DeLong.Comparison?
    /// The DeLong p adjusted by Holm across the pairs of this task.
    public let deLongPHolm: Double?
  }

  public struct Task: Sendable {
    public let name: String
    public let positives: Int
    public let negatives: Int
    /// Studies with a label for this task.
    public var studies: Int { positives + negatives }
    /// One entry per model, in the caller's order.
    public let entries: [Entry]
    /// Every pair, in leaderboard order (see ``Leaderboard/order``).
    public let pairs: [Pair]
  }

  /// The unweighted mean over the tasks with both classes.
  public struct Mean: Sendable {
    public let tasks: [String]
    public let entries: [Entry]
    public let pairs: [Pair]
  }

  public let design: BootstrapDesign
  public let level: Double
  public let studyCount: Int
  public let runs: [String]
  public let tasks: [Task]
  public let mean: Mean?
  /// The models' indices by mean AUROC, highest first (ties keep the caller's order); the
  /// caller's order when there is no mean.
  public let order: [Int]
}

extension Leaderboard {
  /// Ranks `runs` on every task.
  ///
  /// - Parameters:
  ///   - runs: the models' names.
  ///   - names: the task names.
  ///   - labels: `labels[task][study]`; `nil` excludes the study from that task.
  ///   - scores: `scores[run][task][study]`, finite where the label is not `nil`.
  ///   - design: the bootstrap design (a stratified design takes one task).
  ///   - level: the confidence level of every interval.
  ///   - threads: bootstrap threads; the result does not depend on it.
  /// - Complexity: O(R T n log n) to sort, then O(B n R T) for the bootstrap, O(R^2 (T n + B T))
  ///   for the pairs.
  public init(
    runs: [String], names: [String], labels: [[Bool?]], scores: [[[Double]]],
    design: BootstrapDesign = BootstrapDesign(), level: Double = 0.95, threads: Int? = nil
  ) {
    precondition(
      runs.count == scores.count && names.count == labels.count
        && scores.allSatisfy { $0.count == names.count },
      "Leaderboard.init: one score vector per run and task, one label vector per task")
    self.init(
      runs: runs, names: names,
      ranked: scores.map { perTask in zip(labels, perTask).map { RankedScores(labels: $0, scores: $1) } },
      design: design, level: level, threads: threads)
  }

  /// Ranks `runs` on every task from scores already sorted, `ranked[run][task]` (every run
  /// ranking the same studies with the same labels per task): the entry for callers that sort
  /// once for several statistics.
  /// - Complexity: O(B n R T) for the bootstrap, O(R^2 (T n + B T)) for the pairs.
  public init(
    runs: [String], names: [String], ranked: [[RankedScores]], design: BootstrapDesign = BootstrapDesign(),
    level: Double = 0.95, threads: Int? = nil
  ) {
    precondition(
      !runs.isEmpty && runs.count == ranked.count && !names.isEmpty
        && ranked.allSatisfy { $0.count == names.count },
      "Leaderboard.init: one ranked score vector per run and task")
    let models = runs.count
    let taskCount = names.count
    let boot = Bootstrap.aurocs(ranked, design: design, threads: threads)
    let flat = ranked.flatMap { $0 }
    let precision = Bootstrap.evaluate(
      studyCount: ranked[0][0].studyCount, design: design, stratifyingTask: ranked[0][0], width: flat.count,
      threads: threads
    ) { counts, output in
      for (k, task) in flat.enumerated() {
        output[k] = CurveReading.averagePrecision(task, counts: counts) ?? .nan
      }
    }
    let replicates = design.replicates

    // Point values and replicate series per (run, task).
    var aurocPoint = [[Double?]](repeating: [], count: models)
    var apPoint = [[Double?]](repeating: [], count: models)
    for r in 0..<models {
      aurocPoint[r] = ranked[r].map { auroc($0) }
      apPoint[r] = ranked[r].map { $0.isDefined ? $0.averagePrecision : nil }
    }
    func aurocSeries(_ r: Int, _ t: Int) -> [Double] { boot.series(model: r, task: t) }
    func apSeries(_ r: Int, _ t: Int) -> [Double] {
      // Average precision needs only a positive; shown where the AUROC is defined, alike.
      (0..<replicates).map { b in
        let value = precision.value(replicate: b, r * taskCount + t)
        return boot.value(replicate: b, model: r, task: t).isNaN ? .nan : value
      }
    }
    let meanTasks = (0..<taskCount).filter { t in ranked[0][t].isDefined }
    let order: [Int]
    if meanTasks.isEmpty {
      order = Array(0..<models)
    } else {
      let means = (0..<models).map { r in
        meanTasks.reduce(0.0) { $0 + (aurocPoint[r][$1] ?? .nan) } / Double(meanTasks.count)
      }
      order = (0..<models).sorted { means[$0] > means[$1] || (means[$0] == means[$1] && $0 < $1) }
    }

    func board(
      point: [Double?], series: [[Double]], apPoint: [Double?], apSeries: [[Double]],
      deLong: ((Int, Int) -> DeLong.Comparison?)?
    ) -> (entries: [Entry], pairs: [Pair]) {
      let pointRanks = Self.ranks(point.map { $0 ?? .nan })
      var replicateRanks = [[Double]](repeating: [], count: models)
      for b in 0..<replicates {
        if let ranks = Self.ranks(series.map { $0[b] }) {
          for r in 0..<models { replicateRanks[r].append(ranks[r]) }
        }
      }
      let entries = (0..<models).map { r in
        Entry(
          run: r, auroc: Estimate(point[r], replicates: series[r], level: level),
          averagePrecision: Estimate(apPoint[r], replicates: apSeries[r], level: level),
          rank: pointRanks?[r], rankInterval: Self.rankInterval(replicateRanks[r], level: level))
      }
      var pairs: [(a: Int, b: Int, difference: Estimate, p: Double?, deLong: DeLong.Comparison?)] = []
      for i in order.indices {
        for j in order.indices where j > i {
          let (a, b) = (order[i], order[j])
          let d = zip(series[a], series[b]).map { $0 - $1 }
          let value = point[a].flatMap { x in point[b].map { x - $0 } }
          pairs.append(
            (
              a, b, Estimate(value, replicates: d, level: level),
              value == nil ? nil : bootstrapPValue(differences: d), deLong?(a, b)
            ))
        }
      }
      let bootstrapHolm = Self.holm(pairs.map(\.p))
      let deLongHolm = Self.holm(pairs.map { $0.deLong?.p })
      return (
        entries,
        pairs.indices.map { k in
          Pair(
            a: pairs[k].a, b: pairs[k].b, difference: pairs[k].difference, bootstrapP: pairs[k].p,
            bootstrapPHolm: bootstrapHolm[k], deLong: pairs[k].deLong, deLongPHolm: deLongHolm[k])
        }
      )
    }

    var tasks: [Task] = []
    for t in 0..<taskCount {
      let (entries, pairs) = board(
        point: (0..<models).map { aurocPoint[$0][t] },
        series: (0..<models).map { aurocSeries($0, t) },
        apPoint: (0..<models).map { apPoint[$0][t] },
        apSeries: (0..<models).map { apSeries($0, t) },
        deLong: { DeLong.compare(ranked[$0][t], ranked[$1][t], level: level) })
      tasks.append(
        Task(
          name: names[t], positives: ranked[0][t].positives, negatives: ranked[0][t].negatives,
          entries: entries, pairs: pairs))
    }

    var mean: Mean?
    if !meanTasks.isEmpty {
      let k = Double(meanTasks.count)
      func average(_ values: (Int) -> Double) -> Double { meanTasks.reduce(0.0) { $0 + values($1) } / k }
      let aurocSeries = (0..<models).map { r in
        (0..<replicates).map { b in average { boot.value(replicate: b, model: r, task: $0) } }
      }
      let apMeanSeries = (0..<models).map { r in
        let perTask = meanTasks.map { apSeries(r, $0) }
        return (0..<replicates).map { b in perTask.reduce(0.0) { $0 + $1[b] } / k }
      }
      let (entries, pairs) = board(
        point: (0..<models).map { r in average { (aurocPoint[r][$0] ?? .nan) } },
        series: aurocSeries,
        apPoint: (0..<models).map { r in average { apPoint[r][$0] ?? .nan } },
        apSeries: apMeanSeries, deLong: nil)
      mean = Mean(tasks: meanTasks.map { names[$0] }, entries: entries, pairs: pairs)
    }
    self.init(
      design: design, level: level, studyCount: ranked[0][0].studyCount, runs: runs, tasks: tasks,
      mean: mean, order: order)
  }

  /// Ranks with 1 for the highest value and tied values sharing their mean rank; `nil` if any
  /// value is NaN.
  /// - Complexity: O(R^2), R being a handful of models.
  static func ranks(_ values: [Double]) -> [Double]? {
    if values.contains(where: \.isNaN) { return nil }
    return values.map { v in
      var above = 0
      var tied = 0
      for w in values {
        if w > v { above += 1 } else if w == v { tied += 1 }
      }
      return Double(above) + Double(tied + 1) / 2
    }
  }

  /// The inverse-CDF percentile interval of replicate ranks (see the type's documentation).
  /// - Complexity: O(B log B).
  static func rankInterval(_ ranks: [Double], level: Double) -> ConfidenceInterval? {
    guard !ranks.isEmpty else { return nil }
    let sorted = ranks.sorted()
    let alpha = 1 - level
    let count = Double(sorted.count)
    // The 1e-9 keeps B alpha / 2 = 25.000000000000004 (floating rounding) at index 24.
    func index(_ q: Double) -> Int { min(sorted.count - 1, max(0, Int((q * count - 1e-9).rounded(.up)) - 1)) }
    return ConfidenceInterval(
      lower: sorted[index(alpha / 2)], upper: sorted[index(1 - alpha / 2)], level: level)
  }

  /// Holm-adjusted values of the non-nil p-values, in place.
  static func holm(_ values: [Double?]) -> [Double?] {
    let present = values.compactMap { $0 }
    // Bootstrap and DeLong p-values are in [0, 1] by construction.
    guard let adjusted = try? MultipleTesting.holm(present) else { return values.map { _ in nil } }
    var next = adjusted.makeIterator()
    return values.map { $0 == nil ? nil : next.next() }
  }
}
