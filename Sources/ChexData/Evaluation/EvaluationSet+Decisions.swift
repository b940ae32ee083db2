/// Runs whose values are binary decisions (readers' reads, thresholded models) rather than
/// scores.
extension EvaluationSet {
  /// Whether every value of run `run` on every evaluated study and task is 0 or 1: such a run
  /// is a decision run, not a score run.
  /// - Complexity: O(studies x tasks).
  public func isBinary(run: Int) -> Bool {
    tasks.allSatisfy { task in
      zip(task.labels, task.scores[run]).allSatisfy { label, score in
        label == nil || score == 0 || score == 1
      }
    }
  }

  /// The decisions of run `run`, `decisions[task][study]` (false where the label is `nil`).
  ///
  /// - Throws: `DataError.notBinary` naming the run's file, the first study and task whose
  ///   value is not 0 or 1.
  /// - Complexity: O(studies x tasks).
  public func decisions(run: Int) throws(DataError) -> [[Bool]] {
    try tasks.map { task throws(DataError) in
      var decisions = [Bool](repeating: false, count: keys.count)
      for (i, score) in task.scores[run].enumerated() where task.labels[i] != nil {
        guard score == 0 || score == 1 else {
          throw .notBinary(
            path: provenance.runs[run].path, study: keys[i], column: task.name, found: score)
        }
        decisions[i] = score == 1
      }
      return decisions
    }
  }
}
