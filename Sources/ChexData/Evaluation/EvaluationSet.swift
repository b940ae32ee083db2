/// One task of an evaluation: a label per study after the policies, and each run's scores.
public struct EvaluationTask: Sendable, Equatable {
  /// The canonical observation name.
  public let name: String
  /// Per study (in `EvaluationSet.keys` order): true = positive, false = negative, nil = excluded
  /// from this task by the uncertain or blank policy.
  public let labels: [Bool?]
  /// `scores[run][study]`, runs in `EvaluationSet.runNames` order. Excluded studies keep their
  /// scores so that paired resampling can index every task alike.
  public let scores: [[Double]]

  public init(name: String, labels: [Bool?], scores: [[Double]]) {
    precondition(
      scores.allSatisfy { $0.count == labels.count },
      "EvaluationTask.init: every run needs one score per study")
    self.name = name
    self.labels = labels
    self.scores = scores
  }

  /// The number of studies labelled positive.
  public var positives: Int { labels.reduce(0) { $0 + ($1 == true ? 1 : 0) } }
  /// The number of studies labelled negative.
  public var negatives: Int { labels.reduce(0) { $0 + ($1 == false ? 1 : 0) } }
  /// The number of studies that take part in this task (`positives + negatives`).
  public var included: Int { labels.reduce(0) { $0 + ($1 == nil ? 0 : 1) } }
}

/// Labels and runs joined on their study keys: the input of every statistic, with where it
/// came from.
///
/// ``load(labels:runs:options:)`` is the one way from files to a set; ``join(labels:runs:tasks:uncertain:blank:intersect:)``
/// is its last step, for callers that already hold the files.
public struct EvaluationSet: Sendable, Equatable {
  /// The studies evaluated, in labels-file order.
  public let keys: [String]
  /// The tasks, in the order of the selection (`.all`: CheXpert file order).
  public let tasks: [EvaluationTask]
  /// The files, policies and drop counts that made the set.
  public let provenance: EvaluationProvenance

  public init(keys: [String], tasks: [EvaluationTask], provenance: EvaluationProvenance) {
    self.keys = keys
    self.tasks = tasks
    self.provenance = provenance
  }

  /// The runs' names, in the order given.
  public var runNames: [String] { provenance.runs.map(\.name) }
  /// Studies in the labels that not every run scored (nonzero only with `intersect`).
  public var droppedFromLabels: Int { provenance.droppedFromLabels }
  /// Per run: studies it scored that are not in the labels (nonzero only with `intersect`).
  public var droppedFromRuns: [Int] { provenance.droppedFromRuns }
  /// The policy that turned uncertain labels into `EvaluationTask.labels`.
  public var uncertain: UncertainPolicy { provenance.uncertain }
  /// The policy that turned blank labels into `EvaluationTask.labels`.
  public var blank: BlankPolicy { provenance.blank }

  /// Reads the labels, then each run, and joins them under `options`: the entry point of
  /// `compare`. Errors come in reading order (the labels' first).
  ///
  /// - Throws: any error of ``LabelFile/read(path:keyColumn:aggregation:)``,
  ///   ``Run/load(path:keyColumn:aggregation:)`` or
  ///   ``join(labels:runs:tasks:uncertain:blank:intersect:)``.
  public static func load(labels path: String, runs paths: [String], options: EvaluationOptions)
    throws(DataError) -> EvaluationSet
  {
    let labels = try LabelFile.read(
      path: path, keyColumn: options.keyColumn, aggregation: options.aggregation)
    let runs = try paths.map { path throws(DataError) in
      try Run.load(path: path, keyColumn: options.keyColumn, aggregation: options.aggregation)
    }
    return try join(labels: labels, runs: runs, options: options)
  }

  /// ``join(labels:runs:tasks:uncertain:blank:intersect:)`` under `options`.
  public static func join(labels: LabelFile, runs: [Run], options: EvaluationOptions) throws(DataError)
    -> EvaluationSet
  {
    try join(
      labels: labels, runs: runs, tasks: options.tasks, uncertain: options.uncertain,
      blank: options.blank, intersect: options.intersect)
  }

  /// Joins labels and runs on their normalised study keys.
  ///
  /// Tasks: `.named` and `.competition` need each task in the labels and in every run (else an
  /// error naming the file that lacks it); `.all` takes the observations present everywhere,
  /// in CheXpert file order (an error if there are none).
  ///
  /// Studies: every run must score exactly the studies of the labels; otherwise the error says
  /// how many are missing or extra and shows the first few keys. With `intersect`, the studies
  /// in the labels and in every run are evaluated and the dropped ones counted instead.
  ///
  /// Labels: 1 is positive and 0 negative; -1 follows `uncertain` (`ignore` drops the study
  /// from that task, `zeros` makes it negative, `ones` positive) and blank follows `blank`.
  /// A task with one class is not an error here; the statistics decide.
  ///
  /// - Complexity: O((studies + scored keys) x (tasks x runs)) with hashing of keys.
  public static func join(
    labels: LabelFile, runs: [Run], tasks selection: TaskSelection,
    uncertain: UncertainPolicy, blank: BlankPolicy, intersect: Bool
  ) throws(DataError) -> EvaluationSet {
    let taskNames = try resolveTasks(selection, labels: labels, runs: runs)

    // The studies: exactly the labels', or those shared by all with `intersect`.
    var keys = labels.keys
    var droppedFromRuns = [Int](repeating: 0, count: runs.count)
    let labelKeys = Set(labels.keys)
    var runIndex: [[String: Int]] = []
    for (number, run) in runs.enumerated() {
      var index: [String: Int] = [:]
      index.reserveCapacity(run.predictions.keys.count)
      for (position, key) in run.predictions.keys.enumerated() { index[key] = position }
      runIndex.append(index)
      let extra = run.predictions.keys.filter { !labelKeys.contains($0) }
      if intersect {
        droppedFromRuns[number] = extra.count
        keys = keys.filter { index[$0] != nil }
      } else {
        let missing = labels.keys.filter { index[$0] == nil }
        if !missing.isEmpty || !extra.isEmpty {
          throw .studiesMismatch(
            runPath: run.path, labelsPath: labels.path, missing: missing.count,
            firstMissing: Array(missing.prefix(3)), extra: extra.count,
            firstExtra: Array(extra.prefix(3)))
        }
      }
    }
    if keys.isEmpty {
      throw .noCommonStudies(labelsPath: labels.path, runPaths: runs.map(\.path))
    }
    // Row positions of every evaluated study, looked up once rather than once per task.
    var labelRow: [String: Int] = [:]
    for (position, key) in labels.keys.enumerated() { labelRow[key] = position }
    let labelRows = keys.map { labelRow[$0] }
    let runRows = runIndex.map { index in keys.map { index[$0] } }

    var evaluationTasks: [EvaluationTask] = []
    for name in taskNames {
      let values = labels.values[name] ?? []
      let taskLabels: [Bool?] = labelRows.map { row in
        guard let row else { return nil }
        switch values[row] {
        case .positive: return true
        case .negative: return false
        case .uncertain:
          switch uncertain {
          case .ignore: return nil
          case .zeros: return false
          case .ones: return true
          }
        case nil:
          return blank == .zeros ? false : nil
        }
      }
      var taskScores: [[Double]] = []
      for (number, run) in runs.enumerated() {
        let scores = run.predictions.scores[name] ?? []
        taskScores.append(runRows[number].map { row in row.map { scores[$0] } ?? .nan })
      }
      evaluationTasks.append(EvaluationTask(name: name, labels: taskLabels, scores: taskScores))
    }
    let provenance = EvaluationProvenance(
      labelsPath: labels.path, runs: runs.map { .init(name: $0.name, path: $0.path) },
      aggregation: labels.aggregation, uncertain: uncertain, blank: blank, intersect: intersect,
      droppedFromLabels: labels.keys.count - keys.count, droppedFromRuns: droppedFromRuns)
    return EvaluationSet(keys: keys, tasks: evaluationTasks, provenance: provenance)
  }

  /// The task names a selection stands for, checked against every file.
  private static func resolveTasks(_ selection: TaskSelection, labels: LabelFile, runs: [Run])
    throws(DataError) -> [String]
  {
    let required: [String]
    switch selection {
    case .named(let names): required = names.map { Observations.canonicalName($0) ?? $0 }
    case .competition: required = Observations.competition
    case .all:
      let present = Observations.all.filter { task in
        labels.tasks.contains(task) && runs.allSatisfy { $0.predictions.tasks.contains(task) }
      }
      guard !present.isEmpty else {
        throw .noCommonTasks(paths: [labels.path] + runs.map(\.predictions.path))
      }
      return present
    }
    for task in required {
      guard labels.tasks.contains(task) else { throw .taskMissing(path: labels.path, task: task) }
      for run in runs where !run.predictions.tasks.contains(task) {
        throw .taskMissing(path: run.predictions.path, task: task)
      }
    }
    return required
  }
}
