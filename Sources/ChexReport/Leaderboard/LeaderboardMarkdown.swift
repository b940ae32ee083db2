import ChexStats

/// Renders a ``LeaderboardReport`` as Markdown: a header table that says how everything was
/// made, the leaderboard, the pairwise differences, the readers and the decisions, then notes.
public enum LeaderboardMarkdown {
  static let decimals = 4
  /// Decimals for sensitivity, specificity and the other decision metrics.
  static let metricDecimals = 3

  public static func render(_ report: LeaderboardReport) -> String {
    var lines: [String] = []
    let level = NumberFormat.percent(report.level)
    func count(_ n: Int, _ noun: String) -> String { "\(n) \(noun)\(n == 1 ? "" : "s")" }
    let title =
      report.scoreRuns.isEmpty
      ? "decisions of " + count(report.decisionRuns.count + report.readers.count, "decision maker")
      : "leaderboard of " + count(report.scoreRuns.count, "run")
        + (report.readers.isEmpty ? "" : " and " + count(report.readers.count, "reader"))
    lines.append("# chexstats compare: \(title)")
    lines.append("")
    lines.append("| | |")
    lines.append("|---|---|")
    func files(_ runs: [LeaderboardReport.RunDescription]) -> String {
      runs.map { "`\($0.name)` (`\($0.path)`)" }.joined(separator: ", ")
    }
    if !report.scoreRuns.isEmpty { lines.append("| Runs | \(files(report.scoreRuns)) |") }
    if !report.decisionRuns.isEmpty { lines.append("| Decision runs | \(files(report.decisionRuns)) |") }
    if !report.readers.isEmpty { lines.append("| Readers | \(files(report.readers)) |") }
    let e = report.evaluation
    lines.append("| Labels | `\(e.labelsPath)` |")
    lines.append("| Studies evaluated | \(e.studies) |")
    lines.append("| Aggregation | \(e.aggregationDescription) |")
    lines.append("| Uncertain labels | \(e.uncertainDescription) |")
    lines.append("| Blank labels | \(e.blankDescription) |")
    if report.leaderboard != nil {
      lines.append("| AUROC | \(ComparisonReport.aurocDescription) |")
      lines.append("| AUPRC | \(LeaderboardReport.auprcDescription) |")
    }
    lines.append("| Bootstrap | \(report.bootstrapDescription) |")
    lines.append("| Bootstrap p | \(ComparisonReport.bootstrapPDefinition) |")
    if report.leaderboard != nil {
      lines.append("| DeLong | \(ComparisonReport.deLongDescription) |")
      lines.append("| Ranks | \(report.rankDescription) |")
      lines.append("| Multiple pairs | \(LeaderboardReport.holmDescription) |")
    }
    if report.readerComparison != nil {
      lines.append("| Below the curve | \(LeaderboardReport.belowDescription) |")
    }
    if report.decisions != nil { lines.append("| Decisions | \(LeaderboardReport.decisionDescription) |") }
    if let thresholds = report.thresholdDescription { lines.append("| Thresholds | \(thresholds) |") }
    if let folder = report.curvesFolder {
      lines.append("| Curves | ROC and precision-recall points and one SVG per task in `\(folder)` |")
    }
    lines.append("| chexstats | \(report.version) |")

    if let board = report.leaderboard {
      leaderboard(board, report: report, level: level, into: &lines)
    }
    if let readers = report.readerComparison {
      self.readers(readers, report: report, level: level, into: &lines)
    }
    if let decisions = report.decisions {
      self.decisions(decisions, level: level, into: &lines)
    }
    if let thresholds = report.thresholds {
      lines.append("")
      lines.append("## Thresholds")
      lines.append("")
      let tasks = report.leaderboard?.tasks.map(\.name) ?? report.decisions?.tasks.map(\.name) ?? []
      lines.append("| Run | " + tasks.joined(separator: " | ") + " |")
      lines.append("|---|" + tasks.map { _ in "---:|" }.joined())
      for (run, values) in zip(report.scoreRuns, thresholds.values) {
        lines.append(
          "| \(run.name) | " + values.map { NumberFormat.exact($0) }.joined(separator: " | ") + " |")
      }
    }
    let notes = report.notes
    if !notes.isEmpty {
      lines.append("")
      lines.append("Notes:")
      lines.append(contentsOf: notes.map { "- " + $0 })
    }
    return lines.joined(separator: "\n") + "\n"
  }

  private static func row(_ cells: [String]) -> String { "| " + cells.joined(separator: " | ") + " |" }

  private static func rank(_ entry: Leaderboard.Entry) -> String {
    guard let rank = entry.rank else { return "–" }
    let value = NumberFormat.exact(rank)
    guard let interval = entry.rankInterval else { return value }
    return "\(value) [\(NumberFormat.exact(interval.lower)), \(NumberFormat.exact(interval.upper))]"
  }

  private static func leaderboard(
    _ board: Leaderboard, report: LeaderboardReport, level: String, into lines: inout [String]
  ) {
    lines.append("")
    lines.append("## Leaderboard")
    lines.append("")
    let tasks = board.tasks
    if let mean = board.mean {
      lines.append(
        "| # | Run | Mean AUROC [\(level) CI] | Rank [\(level) CI] | Mean AUPRC [\(level) CI] | "
          + tasks.map { "\($0.name) AUROC (rank)" }.joined(separator: " | ") + " |")
      lines.append("|---:|---|---|---|---|" + tasks.map { _ in "---|" }.joined())
      for (position, r) in board.order.enumerated() {
        let entry = mean.entries[r]
        var cells = [
          "\(position + 1)", board.runs[r], NumberFormat.withInterval(entry.auroc, decimals: decimals),
          rank(entry), NumberFormat.withInterval(entry.averagePrecision, decimals: decimals),
        ]
        cells += tasks.map { task in
          let e = task.entries[r]
          return NumberFormat.fixed(e.auroc.value, decimals: decimals)
            + (e.rank.map { " (\(NumberFormat.exact($0)))" } ?? "")
        }
        lines.append(row(cells))
      }
      lines.append("")
      lines.append("Mean over \(mean.tasks.count) tasks: \(mean.tasks.joined(separator: ", ")).")
    }
    lines.append("")
    lines.append("### Per task")
    lines.append("")
    lines.append(
      "| Task | n | Positives | Run | AUROC [\(level) CI] | Rank [\(level) CI] | AUPRC [\(level) CI] |")
    lines.append("|---|---:|---:|---|---|---|---|")
    for task in tasks {
      for r in board.order {
        let e = task.entries[r]
        lines.append(
          row([
            task.name, "\(task.studies)", "\(task.positives)", board.runs[r],
            NumberFormat.withInterval(e.auroc, decimals: decimals), rank(e),
            NumberFormat.withInterval(e.averagePrecision, decimals: decimals),
          ]))
      }
    }
    guard board.runs.count > 1 else { return }
    lines.append("")
    lines.append("### Pairwise differences in AUROC")
    lines.append("")
    lines.append(
      "| Task | A | B | A - B [\(level) CI] | Bootstrap p | Holm | DeLong p | Holm |")
    lines.append("|---|---|---|---|---:|---:|---:|---:|")
    var groups: [(String, [Leaderboard.Pair])] = []
    if let mean = board.mean { groups.append(("**Mean**", mean.pairs)) }
    groups += tasks.map { ($0.name, $0.pairs) }
    for (name, pairs) in groups {
      for pair in pairs {
        lines.append(
          row([
            name, board.runs[pair.a], board.runs[pair.b],
            NumberFormat.withInterval(pair.difference, decimals: decimals, signed: true),
            NumberFormat.pValue(pair.bootstrapP), NumberFormat.pValue(pair.bootstrapPHolm),
            NumberFormat.pValue(pair.deLong?.p), NumberFormat.pValue(pair.deLongPHolm),
          ]))
      }
    }
  }

  private static func readers(
    _ comparison: ReaderComparison, report: LeaderboardReport, level: String, into lines: inout [String]
  ) {
    let m = metricDecimals
    lines.append("")
    lines.append("## Readers below the curve")
    lines.append("")
    let tasks = comparison.tasks
    let order = report.leaderboard?.order ?? Array(comparison.runs.indices)
    lines.append(
      "| Run | Mean over tasks [\(level) CI] | " + tasks.map(\.name).joined(separator: " | ") + " |")
    lines.append("|---|---|" + tasks.map { _ in "---|" }.joined())
    for r in order {
      var cells = [
        comparison.runs[r],
        NumberFormat.withInterval(comparison.mean?.readersBelow[r], decimals: 2),
      ]
      cells += tasks.map { task in
        guard let run = task.runs?[r] else { return "–" }
        return "\(NumberFormat.exact(run.readersBelow.value)) of \(comparison.readers.count)"
      }
      lines.append(row(cells))
    }
    lines.append("")
    lines.append(
      "Readers below the curve: \"Num Rads Below Curve\" of the CheXpert leaderboard, counted per task; the mean over tasks has a bootstrap CI."
    )
    lines.append("")
    lines.append("### Models at the readers' operating points")
    lines.append("")
    lines.append(
      "| Task | Run | Reader | Reader sens / spec | Below | Model sens at reader spec [\(level) CI] | Model - reader [\(level) CI] | p | Model spec at reader sens [\(level) CI] | Model - reader [\(level) CI] | p |"
    )
    lines.append("|---|---|---|---|---|---|---|---:|---|---|---:|")
    let multiple = comparison.readers.count > 1
    for (t, task) in tasks.enumerated() {
      guard let runs = task.runs else { continue }
      for r in order {
        var versus = zip(comparison.readers, runs[r].readers).map { ($0, $1, nil as String?) }
        if multiple {
          let point =
            NumberFormat.fixed(task.readerMeanSensitivity.value, decimals: m) + " / "
            + NumberFormat.fixed(task.readerMeanSpecificity.value, decimals: m)
          versus.append(("readers' mean", runs[r].readerMean, point))
        }
        for (k, (name, v, meanPoint)) in versus.enumerated() {
          let point =
            meanPoint
            ?? report.decisions.map { d in
              let entry = d.readerEntry(task: t, reader: k, of: comparison.readers.count)
              return NumberFormat.fixed(entry.estimate(.sensitivity).value, decimals: m) + " / "
                + NumberFormat.fixed(entry.estimate(.specificity).value, decimals: m)
            } ?? "–"
          lines.append(
            row([
              task.name, comparison.runs[r], name, point, v.below ? "yes" : "no",
              NumberFormat.withInterval(v.sensitivityAtReaderSpecificity, decimals: m),
              NumberFormat.withInterval(v.sensitivityDifference, decimals: m, signed: true),
              NumberFormat.pValue(v.sensitivityP),
              NumberFormat.withInterval(v.specificityAtReaderSensitivity, decimals: m),
              NumberFormat.withInterval(v.specificityDifference, decimals: m, signed: true),
              NumberFormat.pValue(v.specificityP),
            ]))
        }
      }
    }
    if multiple {
      lines.append("")
      lines.append(
        "| Task | Readers' mean sensitivity [\(level) CI] | Readers' mean specificity [\(level) CI] |")
      lines.append("|---|---|---|")
      for task in tasks {
        lines.append(
          row([
            task.name, NumberFormat.withInterval(task.readerMeanSensitivity, decimals: m),
            NumberFormat.withInterval(task.readerMeanSpecificity, decimals: m),
          ]))
      }
    }
  }

  private static func decisions(_ analysis: DecisionAnalysis, level: String, into lines: inout [String]) {
    let m = metricDecimals
    lines.append("")
    lines.append("## Decisions")
    lines.append("")
    lines.append(
      "| Task | Decision maker | TP / FP / TN / FN | Sensitivity [bootstrap] [Wilson] | Specificity [bootstrap] [Wilson] | PPV | NPV | F1 | MCC | Kappa |"
    )
    lines.append("|---|---|---|---|---|---|---|---|---|---|")
    func wilson(_ ci: ConfidenceInterval?) -> String {
      guard let ci else { return "" }
      return " [\(NumberFormat.fixed(ci.lower, decimals: m)), \(NumberFormat.fixed(ci.upper, decimals: m))]"
    }
    for task in analysis.tasks {
      for (name, entry) in zip(analysis.names, task.entries) {
        let c = entry.counts
        var cells = [
          task.name, name,
          "\(c.truePositives) / \(c.falsePositives) / \(c.trueNegatives) / \(c.falseNegatives)",
          NumberFormat.withInterval(entry.estimate(.sensitivity), decimals: m)
            + wilson(entry.sensitivityWilson),
          NumberFormat.withInterval(entry.estimate(.specificity), decimals: m)
            + wilson(entry.specificityWilson),
        ]
        cells += [BinaryMetric.ppv, .npv, .f1, .mcc, .kappa].map {
          NumberFormat.withInterval(entry.estimate($0), decimals: m)
        }
        lines.append(row(cells))
      }
    }
    if let mean = analysis.mean {
      for (name, metrics) in zip(analysis.names, mean.metrics) {
        var cells = ["**Mean (\(mean.tasks.count) tasks)**", name, ""]
        cells += metrics.map { NumberFormat.withInterval($0, decimals: m) }
        lines.append(row(cells))
      }
    }
    guard analysis.names.count > 1 else { return }
    lines.append("")
    lines.append("### Pairwise differences in MCC (every metric in the CSV and JSON output)")
    lines.append("")
    lines.append("| Task | A | B | MCC A - B [\(level) CI] | Bootstrap p |")
    lines.append("|---|---|---|---|---:|")
    let k = BinaryMetric.allCases.firstIndex(of: .mcc) ?? 0
    var groups = analysis.tasks.map { ($0.name, $0.pairs) }
    if let mean = analysis.mean { groups.insert(("**Mean**", mean.pairs), at: 0) }
    for (name, pairs) in groups {
      for pair in pairs {
        lines.append(
          row([
            name, analysis.names[pair.a], analysis.names[pair.b],
            NumberFormat.withInterval(pair.differences[k], decimals: m, signed: true),
            NumberFormat.pValue(pair.p[k]),
          ]))
      }
    }
  }
}
