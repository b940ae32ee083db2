import ChexStats

// The hand-over from a loaded evaluation set to the leaderboard, reader and decision
// statistics: arrays in the shapes ChexStats takes, nothing computed here.

extension EvaluationSet {
  /// Run `run`'s scores on task `task`, sorted once.
  /// - Complexity: O(n log n).
  public func rankedScores(run: Int, task: Int) -> RankedScores {
    RankedScores(labels: tasks[task].labels, scores: tasks[task].scores[run])
  }

  /// `scores[run][task][study]` of the given runs.
  func scores(of runs: [Int]) -> [[[Double]]] {
    runs.map { r in tasks.map { $0.scores[r] } }
  }
}

extension Leaderboard {
  /// Ranks the runs `runs` (indices into `set.runNames`) on the set's tasks.
  public init(
    _ set: EvaluationSet, runs: [Int], design: BootstrapDesign, level: Double = 0.95, threads: Int? = nil
  ) {
    self.init(
      runs: runs.map { set.runNames[$0] }, names: set.tasks.map(\.name), labels: set.tasks.map(\.labels),
      scores: set.scores(of: runs), design: design, level: level, threads: threads)
  }
}

extension ReaderComparison {
  /// Places the readers (their names and `reads[reader][task][study]`) against the curves of
  /// the runs `runs` (indices into `set.runNames`).
  public init(
    _ set: EvaluationSet, runs: [Int], readers: [String], reads: [[[Bool]]], design: BootstrapDesign,
    level: Double = 0.95, threads: Int? = nil
  ) {
    self.init(
      runs: runs.map { set.runNames[$0] }, readers: readers, names: set.tasks.map(\.name),
      labels: set.tasks.map(\.labels), scores: set.scores(of: runs), reads: reads, design: design,
      level: level, threads: threads)
  }
}

extension DecisionAnalysis {
  /// Evaluates decision makers (their names and `decisions[entry][task][study]`) on the set's
  /// labels.
  public init(
    _ set: EvaluationSet, names: [String], decisions: [[[Bool]]], design: BootstrapDesign,
    level: Double = 0.95, threads: Int? = nil
  ) {
    self.init(
      names: names, tasks: set.tasks.map(\.name), labels: set.tasks.map(\.labels), decisions: decisions,
      design: design, level: level, threads: threads)
  }
}
