import ChexStats

/// Renders a ``ComparisonReport`` as Markdown: a header table that says how everything was
/// made, one row per task and a mean row, then notes.
public enum ComparisonMarkdown {
  /// Decimals for AUROCs and differences.
  static let decimals = 4

  /// The whole report as Markdown text, ending in a newline.
  public static func render(_ report: ComparisonReport) -> String {
    let c = report.comparison
    let level = NumberFormat.percent(c.level)
    var lines: [String] = []
    lines.append("# chexstats compare: \(report.runA.name) vs \(report.runB.name)")
    lines.append("")
    lines.append("| | |")
    lines.append("|---|---|")
    lines.append("| Run A | `\(report.runA.name)` (`\(report.runA.path)`) |")
    lines.append("| Run B | `\(report.runB.name)` (`\(report.runB.path)`) |")
    lines.append("| Labels | `\(report.evaluation.labelsPath)` |")
    lines.append("| Studies evaluated | \(report.evaluation.studies) |")
    lines.append("| Aggregation | \(report.aggregationDescription) |")
    lines.append("| Uncertain labels | \(report.uncertainDescription) |")
    lines.append("| Blank labels | \(report.blankDescription) |")
    lines.append("| AUROC | \(ComparisonReport.aurocDescription) |")
    lines.append("| Bootstrap | \(report.bootstrapDescription) |")
    lines.append("| Bootstrap p | \(ComparisonReport.bootstrapPDefinition) |")
    lines.append("| DeLong | \(ComparisonReport.deLongDescription) |")
    lines.append("| chexstats | \(report.version) |")
    lines.append("")
    lines.append(
      "| Task | n | Positives | AUROC A [\(level) CI] | AUROC B [\(level) CI] | A - B [\(level) CI] | Bootstrap p | DeLong p |"
    )
    lines.append("|---|---:|---:|---|---|---|---:|---:|")
    for task in c.tasks {
      let cells = [
        task.name, "\(task.studies)", "\(task.positives)",
        NumberFormat.withInterval(task.aurocA, decimals: decimals),
        NumberFormat.withInterval(task.aurocB, decimals: decimals),
        NumberFormat.withInterval(
          task.difference, decimals: decimals, signed: true),
        task.aurocA.value == nil ? "–" : NumberFormat.pValue(task.bootstrapP),
        NumberFormat.pValue(task.deLong?.p),
      ]
      lines.append("| " + cells.joined(separator: " | ") + " |")
    }
    if let mean = c.mean {
      let cells = [
        "**Mean (\(mean.tasks.count) tasks)**", "\(c.studyCount)", "",
        NumberFormat.withInterval(mean.aurocA, decimals: decimals),
        NumberFormat.withInterval(mean.aurocB, decimals: decimals),
        NumberFormat.withInterval(
          mean.difference, decimals: decimals, signed: true),
        NumberFormat.pValue(mean.bootstrapP),
        "–",
      ]
      lines.append("| " + cells.joined(separator: " | ") + " |")
    }
    lines.append("")
    lines.append(
      "DeLong z and CIs of the difference are in the CSV and JSON output; a difference is significant at the \(Int(((1 - c.level) * 100).rounded()))% level when its CI excludes 0."
    )
    let notes = report.notes
    if !notes.isEmpty {
      lines.append("")
      lines.append("Notes:")
      lines.append(contentsOf: notes.map { "- " + $0 })
    }
    return lines.joined(separator: "\n") + "\n"
  }
}
