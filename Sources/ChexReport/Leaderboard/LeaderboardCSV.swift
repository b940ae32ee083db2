import ChexData
import ChexStats

/// Renders a ``LeaderboardReport`` as one tidy CSV in long form: one row per run (or pair of
/// runs, run and reader, pair of decision makers), task and statistic, with a fixed header.
/// `run_b` is empty for a statistic of one run; `task` is `mean` for the mean over tasks;
/// undefined values are empty; numbers are written at full precision.
///
/// Statistics (`method` in brackets): `auroc`, `auprc`, `rank` (bootstrap; value, interval);
/// `auroc_difference` (bootstrap: interval, p, Holm p; delong: its CI, p, Holm p);
/// `readers_below_curve` (bootstrap); per run and reader `below_curve` (0/1),
/// `sensitivity_at_reader_specificity`, `sensitivity_difference`,
/// `specificity_at_reader_sensitivity`, `specificity_difference` (bootstrap, differences with
/// p); per decision maker `sensitivity`, `specificity` (bootstrap and wilson), `ppv`, `npv`,
/// `f1`, `mcc`, `kappa` (bootstrap), the counts `tp`, `fp`, `tn`, `fn`, `threshold`; and each
/// metric's `..._difference` between two decision makers (bootstrap, with p).
public enum LeaderboardCSV {
  /// The header, exactly; other tools depend on these names.
  public static let columns = [
    "run_a", "run_b", "task", "statistic", "method", "n", "positives", "value", "low", "high", "p",
    "p_holm",
  ]

  public static func render(_ report: LeaderboardReport) -> String {
    var lines = [columns.joined(separator: ",")]
    let x = NumberFormat.exact
    func add(
      _ a: String, _ b: String = "", task: String, _ statistic: String, _ method: String,
      n: Int?, positives: Int?, value: Double?, interval: ConfidenceInterval? = nil, p: Double? = nil,
      holm: Double? = nil
    ) {
      let cells = [
        CSVWriter.field(a), CSVWriter.field(b), CSVWriter.field(task), statistic, method,
        n.map(String.init) ?? "", positives.map(String.init) ?? "", x(value), x(interval?.lower),
        x(interval?.upper), x(p), x(holm),
      ]
      lines.append(cells.joined(separator: ","))
    }
    let studies = report.evaluation.studies

    if let board = report.leaderboard {
      var groups:
        [(name: String, n: Int, positives: Int?, entries: [Leaderboard.Entry], pairs: [Leaderboard.Pair])] =
          board.tasks.map { ($0.name, $0.studies, $0.positives, $0.entries, $0.pairs) }
      if let mean = board.mean { groups.append(("mean", studies, nil, mean.entries, mean.pairs)) }
      for g in groups {
        for r in board.order {
          let e = g.entries[r]
          let name = board.runs[r]
          add(
            name, task: g.name, "auroc", "bootstrap", n: g.n, positives: g.positives, value: e.auroc.value,
            interval: e.auroc.interval)
          add(
            name, task: g.name, "auprc", "bootstrap", n: g.n, positives: g.positives,
            value: e.averagePrecision.value,
            interval: e.averagePrecision.interval)
          add(
            name, task: g.name, "rank", "bootstrap", n: g.n, positives: g.positives, value: e.rank,
            interval: e.rankInterval)
        }
        for pair in g.pairs {
          let (a, b) = (board.runs[pair.a], board.runs[pair.b])
          add(
            a, b, task: g.name, "auroc_difference", "bootstrap", n: g.n, positives: g.positives,
            value: pair.difference.value, interval: pair.difference.interval, p: pair.bootstrapP,
            holm: pair.bootstrapPHolm)
          if let d = pair.deLong {
            add(
              a, b, task: g.name, "auroc_difference", "delong", n: g.n, positives: g.positives,
              value: d.difference,
              interval: d.confidenceInterval, p: d.p, holm: pair.deLongPHolm)
          }
        }
      }
    }

    if let readers = report.readerComparison {
      for task in readers.tasks {
        guard let runs = task.runs else { continue }
        for (r, run) in runs.enumerated() {
          let name = readers.runs[r]
          add(
            name, task: task.name, "readers_below_curve", "bootstrap", n: task.positives + task.negatives,
            positives: task.positives, value: run.readersBelow.value, interval: run.readersBelow.interval)
          var versus = zip(readers.readers, run.readers).map { ($0, $1) }
          if readers.readers.count > 1 { versus.append(("readers' mean", run.readerMean)) }
          for (reader, v) in versus {
            let n = task.positives + task.negatives
            add(
              name, reader, task: task.name, "below_curve", "", n: n, positives: task.positives,
              value: v.below ? 1 : 0)
            for (statistic, estimate, p) in [
              ("sensitivity_at_reader_specificity", v.sensitivityAtReaderSpecificity, nil as Double?),
              ("sensitivity_difference", v.sensitivityDifference, v.sensitivityP),
              ("specificity_at_reader_sensitivity", v.specificityAtReaderSensitivity, nil),
              ("specificity_difference", v.specificityDifference, v.specificityP),
            ] {
              add(
                name, reader, task: task.name, statistic, "bootstrap", n: n, positives: task.positives,
                value: estimate.value, interval: estimate.interval, p: p)
            }
          }
        }
        if readers.readers.count > 1 {
          let n = task.positives + task.negatives
          add(
            "readers' mean", task: task.name, "sensitivity", "bootstrap", n: n, positives: task.positives,
            value: task.readerMeanSensitivity.value, interval: task.readerMeanSensitivity.interval)
          add(
            "readers' mean", task: task.name, "specificity", "bootstrap", n: n, positives: task.positives,
            value: task.readerMeanSpecificity.value, interval: task.readerMeanSpecificity.interval)
        }
      }
      if let mean = readers.mean {
        for (r, estimate) in mean.readersBelow.enumerated() {
          add(
            readers.runs[r], task: "mean", "readers_below_curve", "bootstrap", n: studies, positives: nil,
            value: estimate.value, interval: estimate.interval)
        }
      }
    }

    if let decisions = report.decisions {
      let metrics = BinaryMetric.allCases
      for task in decisions.tasks {
        let n = task.positives + task.negatives
        for (e, entry) in task.entries.enumerated() {
          let name = decisions.names[e]
          let c = entry.counts
          for (statistic, count) in [
            ("tp", c.truePositives), ("fp", c.falsePositives), ("tn", c.trueNegatives),
            ("fn", c.falseNegatives),
          ] {
            add(name, task: task.name, statistic, "", n: n, positives: task.positives, value: Double(count))
          }
          for (k, metric) in metrics.enumerated() {
            add(
              name, task: task.name, metric.rawValue, "bootstrap", n: n, positives: task.positives,
              value: entry.metrics[k].value, interval: entry.metrics[k].interval)
          }
          add(
            name, task: task.name, "sensitivity", "wilson", n: n, positives: task.positives,
            value: entry.estimate(.sensitivity).value, interval: entry.sensitivityWilson)
          add(
            name, task: task.name, "specificity", "wilson", n: n, positives: task.positives,
            value: entry.estimate(.specificity).value, interval: entry.specificityWilson)
        }
        for pair in task.pairs {
          for (k, metric) in metrics.enumerated() {
            add(
              decisions.names[pair.a], decisions.names[pair.b], task: task.name,
              metric.rawValue + "_difference",
              "bootstrap", n: n, positives: task.positives, value: pair.differences[k].value,
              interval: pair.differences[k].interval, p: pair.p[k])
          }
        }
      }
      if let mean = decisions.mean {
        for (e, estimates) in mean.metrics.enumerated() {
          for (k, metric) in metrics.enumerated() {
            add(
              decisions.names[e], task: "mean", metric.rawValue, "bootstrap", n: studies, positives: nil,
              value: estimates[k].value, interval: estimates[k].interval)
          }
        }
        for pair in mean.pairs {
          for (k, metric) in metrics.enumerated() {
            add(
              decisions.names[pair.a], decisions.names[pair.b], task: "mean", metric.rawValue + "_difference",
              "bootstrap", n: studies, positives: nil, value: pair.differences[k].value,
              interval: pair.differences[k].interval, p: pair.p[k])
          }
        }
      }
    }

    if let thresholds = report.thresholds, let tasks = report.decisions?.tasks {
      for (run, values) in zip(report.scoreRuns, thresholds.values) {
        for (task, value) in zip(tasks, values) {
          add(
            run.name, task: task.name, "threshold", thresholds.rule.description, n: nil, positives: nil,
            value: value)
        }
      }
    }
    return lines.joined(separator: "\n") + "\n"
  }
}
