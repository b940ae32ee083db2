import ChexStats

/// The sentences that say how each number was made; shared by every renderer.
extension ComparisonReport {
  var aggregationDescription: String { evaluation.aggregationDescription }
  var uncertainDescription: String { evaluation.uncertainDescription }
  var blankDescription: String { evaluation.blankDescription }

  var bootstrapDescription: String {
    let design = comparison.design
    let kind =
      design.stratified
      ? "stratified (cases and controls resampled separately)" : "paired resampling of studies"
    let level = NumberFormat.percent(comparison.level)
    return
      "\(design.replicates) replicates, \(kind), seed \(design.seed); the same resamples for every task and both runs; percentile \(level) CIs (quantile type 7)"
  }

  static let bootstrapPDefinition =
    "two-sided, p = min(1, 2 (1 + min(#{d* <= 0}, #{d* >= 0})) / (B + 1)) over the B usable replicate differences d* = A* - B*"

  static let deLongDescription =
    "paired DeLong test (DeLong et al. 1988; fast algorithm of Sun & Xu 2014): z = (A - B) / SE, two-sided normal p, CI = (A - B) +- z(0.975) SE; as R pROC roc.test(paired = TRUE, method = \"delong\")"

  static let aurocDescription =
    "Mann-Whitney, ties counted 1/2 (equals the trapezoidal area, scikit-learn roc_auc_score); higher score = positive"

  /// Notes a reader needs: undefined tasks, skipped replicates, intersection.
  var notes: [String] {
    var notes: [String] = []
    let total = comparison.design.replicates
    for task in comparison.tasks {
      if task.aurocA.value == nil {
        let missing = task.positives == 0 ? "no positive" : "no negative"
        notes.append(
          "\(task.name): the labels have \(missing) case after the label policies, so its AUROC is undefined and it is left out of the mean."
        )
      } else {
        let used = task.difference.replicatesUsed
        if used < total {
          notes.append(
            "\(task.name): \(total - used) of \(total) bootstrap replicates had one class and were skipped for this task (\(used) used)."
          )
        }
        if task.deLong == nil {
          notes.append("\(task.name): DeLong needs at least 2 positives and 2 negatives; not computed.")
        }
      }
    }
    if let mean = comparison.mean {
      if mean.tasks.count < comparison.tasks.count {
        notes.append(
          "The mean covers \(mean.tasks.count) of \(comparison.tasks.count) tasks: \(mean.tasks.joined(separator: ", "))."
        )
      }
      let used = mean.difference.replicatesUsed
      if used < total {
        notes.append(
          "Mean: \(total - used) of \(total) replicates had a task with one class and were skipped (\(used) used)."
        )
      }
    } else {
      notes.append("No task has both classes: no AUROC is defined, so there is no mean.")
    }
    if let cut = evaluation.intersection {
      notes.append(
        "--intersect: evaluated the \(evaluation.studies) studies common to the labels and both runs; \(cut.droppedFromLabels) labelled studies were not scored by both runs; run A scored \(cut.droppedFromRuns.first ?? 0) and run B \(cut.droppedFromRuns.last ?? 0) studies absent from the labels."
      )
    }
    return notes
  }
}

/// The label policies in words; shared by the two-run report and the leaderboard.
extension ComparisonReport.Evaluation {
  /// The aggregation, in words.
  var aggregationDescription: String {
    switch aggregation {
    case "study-max": return "study-max (a study's score is the maximum over its images)"
    case "study-mean": return "study-mean (a study's score is the mean over its images)"
    case "image": return "image (each image is evaluated on its own)"
    default: return aggregation
    }
  }

  var uncertainDescription: String {
    switch uncertainPolicy {
    case "ignore": return "ignore (a -1 label drops the study from that task)"
    case "zeros": return "zeros (-1 counts as negative)"
    case "ones": return "ones (-1 counts as positive)"
    default: return uncertainPolicy
    }
  }

  var blankDescription: String {
    switch blankPolicy {
    case "ignore": return "ignore (a blank label drops the study from that task)"
    case "zeros": return "zeros (blank counts as negative)"
    default: return blankPolicy
    }
  }
}
