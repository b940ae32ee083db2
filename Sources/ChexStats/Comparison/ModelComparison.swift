/// Two models compared on several tasks of the same studies: AUROCs, paired bootstrap
/// intervals and p-values, DeLong tests, and the same for the mean AUROC over tasks.
///
/// The bootstrap resamples studies once per replicate and evaluates every task and both
/// models on that resample, so each task's difference and the mean's difference are paired.
/// A task whose labels have one class has undefined AUROCs; it is reported as such and left out
/// of the mean (``MeanComparison/tasks`` says which tasks the mean covers).
public struct ModelComparison: Sendable {
  /// How the bootstrap was drawn.
  public let design: BootstrapDesign
  /// The confidence level of every interval (0.95 by default).
  public let level: Double
  /// The number of studies resampled.
  public let studyCount: Int
  /// One entry per task, in the caller's order.
  public let tasks: [TaskComparison]
  /// The comparison of the mean AUROC over the tasks with defined AUROCs; `nil` if none.
  public let mean: MeanComparison?
}

/// Model A against model B on one task.
public struct TaskComparison: Sendable {
  public let name: String
  /// Studies with a label for this task after the label policies.
  public var studies: Int { positives + negatives }
  public let positives: Int
  public let negatives: Int
  /// The AUROCs on the full sample (value `nil` when the task has one class) with their
  /// bootstrap intervals.
  public let aurocA: Estimate
  public let aurocB: Estimate
  /// AUROC_A - AUROC_B, with the interval of the paired replicate differences.
  public let difference: Estimate
  /// See ``bootstrapPValue(differences:)``.
  public let bootstrapP: Double?
  /// The paired DeLong test; `nil` with fewer than 2 positives or negatives.
  public let deLong: DeLong.Comparison?
}

/// Model A against model B on the unweighted mean AUROC over several tasks.
public struct MeanComparison: Sendable {
  /// The names of the tasks the mean covers.
  public let tasks: [String]
  public let aurocA: Estimate
  public let aurocB: Estimate
  public let difference: Estimate
  public let bootstrapP: Double?
}

extension ModelComparison {
  /// Compares model A with model B on each task.
  ///
  /// - Parameters:
  ///   - names: the task names, for the result.
  ///   - labels: `labels[task][study]`; `nil` excludes the study from that task.
  ///   - scoresA: `scoresA[task][study]`, finite where the label is not `nil`.
  ///   - scoresB: as `scoresA`, for model B.
  ///   - design: the bootstrap design (a stratified design takes one task).
  ///   - level: the confidence level.
  ///   - threads: worker threads for the bootstrap (the result does not depend on it).
  /// - Complexity: O(T n log n) for the sorts and DeLong, then O(B n T) for the bootstrap.
  public init(
    names: [String], labels: [[Bool?]], scoresA: [[Double]], scoresB: [[Double]],
    design: BootstrapDesign = BootstrapDesign(), level: Double = 0.95, threads: Int? = nil
  ) {
    precondition(
      names.count == labels.count && labels.count == scoresA.count
        && scoresA.count == scoresB.count && !names.isEmpty,
      "ModelComparison.init: one name, label vector and two score vectors per task")
    let rankedA = zip(labels, scoresA).map { RankedScores(labels: $0, scores: $1) }
    let rankedB = zip(labels, scoresB).map { RankedScores(labels: $0, scores: $1) }
    let boot = Bootstrap.aurocs([rankedA, rankedB], design: design, threads: threads)

    var tasks: [TaskComparison] = []
    var meanTasks: [Int] = []
    for t in names.indices {
      let a = boot.series(model: 0, task: t)
      let b = boot.series(model: 1, task: t)
      let d = zip(a, b).map { $0 - $1 }
      let aucA = auroc(rankedA[t])
      let aucB = auroc(rankedB[t])
      if aucA != nil && aucB != nil { meanTasks.append(t) }
      let difference = aucA.flatMap { x in aucB.map { x - $0 } }
      tasks.append(
        TaskComparison(
          name: names[t], positives: rankedA[t].positives, negatives: rankedA[t].negatives,
          aurocA: Estimate(aucA, replicates: a, level: level),
          aurocB: Estimate(aucB, replicates: b, level: level),
          difference: Estimate(difference, replicates: d, level: level),
          bootstrapP: bootstrapPValue(differences: d),
          deLong: DeLong.compare(rankedA[t], rankedB[t], level: level)))
    }

    var mean: MeanComparison?
    if !meanTasks.isEmpty {
      let k = Double(meanTasks.count)
      // A replicate in which any covered task is undefined has an undefined mean (NaN).
      let meanA = (0..<design.replicates).map { r in
        meanTasks.reduce(0) { $0 + boot.value(replicate: r, model: 0, task: $1) } / k
      }
      let meanB = (0..<design.replicates).map { r in
        meanTasks.reduce(0) { $0 + boot.value(replicate: r, model: 1, task: $1) } / k
      }
      let d = zip(meanA, meanB).map { $0 - $1 }
      let pointA = meanTasks.reduce(0) { $0 + (tasks[$1].aurocA.value ?? .nan) } / k
      let pointB = meanTasks.reduce(0) { $0 + (tasks[$1].aurocB.value ?? .nan) } / k
      mean = MeanComparison(
        tasks: meanTasks.map { names[$0] },
        aurocA: Estimate(pointA, replicates: meanA, level: level),
        aurocB: Estimate(pointB, replicates: meanB, level: level),
        difference: Estimate(pointA - pointB, replicates: d, level: level),
        bootstrapP: bootstrapPValue(differences: d))
    }
    self.init(
      design: design, level: level, studyCount: labels[0].count, tasks: tasks, mean: mean)
  }
}
