import ChexStats

// The hand-over from a loaded evaluation set to the leaderboard, reader and decision
// statistics: arrays in the shapes ChexStats takes, nothing computed here.

extension EvaluationSet {
  /// Run `run`'s scores on task `task`, sorted once.
  /// - Complexity: O(n log n).
  public func rankedScores(run: Int, task: Int) -> RankedScores {
    RankedScores(labels: tasks[task].labels, scores: tasks[task].scores[run])
  }

  /// The given runs' scores on every task, sorted once: `ranked[run][task]`, the value the
  /// leaderboard, the readers' comparison and the curves all read.
  /// - Complexity: O(R T n log n).
  public func rankedScores(runs: [Int]) -> [[RankedScores]] {
    runs.map { r in tasks.indices.map { rankedScores(run: r, task: $0) } }
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
