import ChexData
import ChexStats

/// Renders a ``ComparisonReport`` as tidy CSV for plotting tools and other programs: one row
/// per task and a row whose task is `mean` (always present, its values empty when no task has a
/// defined AUROC), with a fixed header. Undefined values are empty;
/// numbers are written at full precision.
public enum ComparisonCSV {
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
      let defined = task.aurocA.value != nil
      let cells: [String] = [
        CSVWriter.field(task.name), "\(task.studies)", "\(task.positives)",
        x(task.aurocA.value), x(task.aurocA.interval?.lower), x(task.aurocA.interval?.upper),
        x(task.aurocB.value), x(task.aurocB.interval?.lower), x(task.aurocB.interval?.upper),
        x(task.difference.value), x(task.difference.interval?.lower),
        x(task.difference.interval?.upper), defined ? x(task.bootstrapP) : "",
        x(task.deLong?.z), x(task.deLong?.p),
      ]
      lines.append(cells.joined(separator: ","))
    }
    // The mean row is always there (the README promises it); its values are empty when no task
    // has a defined AUROC.
    let mean = c.mean
    let cells: [String] = [
      "mean", "\(c.studyCount)", "",
      x(mean?.aurocA.value), x(mean?.aurocA.interval?.lower), x(mean?.aurocA.interval?.upper),
      x(mean?.aurocB.value), x(mean?.aurocB.interval?.lower), x(mean?.aurocB.interval?.upper),
      x(mean?.difference.value), x(mean?.difference.interval?.lower),
      x(mean?.difference.interval?.upper), x(mean?.bootstrapP), "", "",
    ]
    lines.append(cells.joined(separator: ","))
    return lines.joined(separator: "\n") + "\n"
  }
}
