import ChexStats

/// The sentences that say how each number of a leaderboard was made; shared by every renderer.
extension LeaderboardReport {
  /// Names of the decision makers of ``decisions``, in its order.
  public var decisionNames: [String] { decisions?.names ?? [] }

  var bootstrapDescription: String {
    let kind =
      design.stratified
      ? "stratified (cases and controls resampled separately)" : "paired resampling of studies"
    return
      "\(design.replicates) replicates, \(kind), seed \(design.seed); the same resamples for every run, reader and task; percentile \(NumberFormat.percent(level)) CIs (quantile type 7)"
  }

  static let auprcDescription =
    "average precision, sum over thresholds of (R_k - R_k-1) P_k, no interpolation (scikit-learn average_precision_score)"

  var rankDescription: String {
    let b = design.replicates
    let alpha = 1 - level
    func entry(_ q: Double) -> Int { min(b - 1, max(0, Int((q * Double(b) - 1e-9).rounded(.up)) - 1)) }
    return
      "1 = highest AUROC, ties share their mean rank; the rank interval is the replicate ranks' inverse-CDF \(NumberFormat.percent(level)) quantiles (entries \(entry(alpha / 2)) and \(entry(1 - alpha / 2)) of the \(b) sorted, counting from 0)"
  }

  static let holmDescription =
    "Holm step-down across all pairs within each task and within the mean, bootstrap and DeLong p separately (R p.adjust(method = \"holm\"))"

  static let belowDescription =
    "the reader's sensitivity is strictly below the model's at the reader's false-positive rate, on the upper envelope of the piecewise-linear empirical ROC curve (at a vertical segment, its top); model-at-reader values are read from the same envelope, differences are model - reader"

  static let decisionDescription =
    "sensitivity, specificity, PPV, NPV, F1, MCC, Cohen's kappa from the 2x2 table; undefined (–) where a denominator is 0; Wilson score CIs for sensitivity and specificity; differences are paired bootstrap, p as for AUROC"

  /// The threshold rule in words, or nil without thresholds.
  var thresholdDescription: String? {
    guard let thresholds else { return nil }
    let rule: String
    switch thresholds.rule {
    case .value(let t): rule = "positive when score >= \(NumberFormat.exact(t))"
    case .youden: rule = "positive when score >= the threshold maximising Youden's J (highest on ties)"
    case .sensitivity(let s):
      rule = "positive when score >= the highest threshold with sensitivity >= \(NumberFormat.exact(s))"
    case .specificity(let s):
      rule = "positive when score >= the lowest threshold with specificity >= \(NumberFormat.exact(s))"
    }
    guard let on = thresholds.chosenOn else { return rule }
    return
      "\(rule), chosen per task on `\(on.labelsPath)` with \(on.runPaths.map { "`\($0)`" }.joined(separator: ", ")) (\(on.studies) studies), never on the evaluated studies"
  }

  /// Notes a reader needs: undefined tasks, skipped replicates, intersection.
  var notes: [String] {
    var notes: [String] = []
    let total = design.replicates
    if let board = leaderboard {
      for task in board.tasks {
        if task.positives == 0 || task.negatives == 0 {
          let missing = task.positives == 0 ? "no positive" : "no negative"
          notes.append(
            "\(task.name): the labels have \(missing) case after the label policies, so its AUROC is undefined and it is left out of the mean."
          )
        } else if let used = task.entries.first?.auroc.replicatesUsed, used < total {
          notes.append(
            "\(task.name): \(total - used) of \(total) bootstrap replicates had one class and were skipped for this task (\(used) used)."
          )
        }
      }
      if let mean = board.mean, mean.tasks.count < board.tasks.count {
        notes.append(
          "The mean covers \(mean.tasks.count) of \(board.tasks.count) tasks: \(mean.tasks.joined(separator: ", "))."
        )
      }
    }
    if let cut = evaluation.intersection {
      let dropped = zip(inputs, cut.droppedFromRuns).map { "\($0.name) \($1)" }.joined(separator: ", ")
      notes.append(
        "--intersect: evaluated the \(evaluation.studies) studies common to the labels and every run and reader; \(cut.droppedFromLabels) labelled studies were not scored by all; studies absent from the labels dropped per file: \(dropped)."
      )
    }
    return notes
  }
}
