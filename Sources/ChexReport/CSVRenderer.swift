import ChexData
import ChexStats

/// Renders a ``ComparisonReport`` as tidy CSV for plotting tools and other programs: one row
/// per task and a row whose task is `mean`, with a fixed header. Undefined values are empty;
/// numbers are written at full precision.
public enum CSVRenderer {
  /// The header, exactly; other tools depend on these names.
  public static let columns = [
    "task", "n", "positives", "auroc_a", "auroc_a_low", "auroc_a_high", "auroc_b", "auroc_b_low",
    "auroc_b_high", "difference", "difference_low", "difference_high", "p_bootstrap", "delong_z",
    "delong_p",
  ]

  public static func render(_ report: ComparisonReport) -> String {
    let c = report.comparison
    var lines = [columns.joined(separator: ",")]
    let x = NumberFormat.exact
    for task in c.tasks {
      let defined = task.aurocA != nil
      let cells: [String] = [
        CSVWriter.field(task.name), "\(task.studies)", "\(task.positives)",
        x(task.aurocA), x(task.bootstrapA.interval?.lower), x(task.bootstrapA.interval?.upper),
        x(task.aurocB), x(task.bootstrapB.interval?.lower), x(task.bootstrapB.interval?.upper),
        x(task.difference), x(task.bootstrapDifference.interval?.lower),
        x(task.bootstrapDifference.interval?.upper), defined ? x(task.bootstrapP) : "",
        x(task.deLong?.z), x(task.deLong?.p),
      ]
      lines.append(cells.joined(separator: ","))
    }
    if let mean = c.mean {
      let cells: [String] = [
        "mean", "\(c.studyCount)", "",
        x(mean.aurocA), x(mean.bootstrapA.interval?.lower), x(mean.bootstrapA.interval?.upper),
        x(mean.aurocB), x(mean.bootstrapB.interval?.lower), x(mean.bootstrapB.interval?.upper),
        x(mean.difference), x(mean.bootstrapDifference.interval?.lower),
        x(mean.bootstrapDifference.interval?.upper), x(mean.bootstrapP), "", "",
      ]
      lines.append(cells.joined(separator: ","))
    }
    return lines.joined(separator: "\n") + "\n"
  }
}
