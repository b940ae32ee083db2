import ChexData
import ChexStats

/// Renders a ``ExperimentReport`` as `report.md`: methods, the figures, and one table per analysis.
public enum ExperimentMarkdown {
  static let d = 4

  static func f(_ value: Double?, _ decimals: Int = d) -> String {
    NumberFormat.fixed(value, decimals: decimals)
  }

  static func withCI(_ estimate: Estimate?, signed: Bool = false) -> String {
    NumberFormat.withInterval(estimate, decimals: d, signed: signed)
  }

  static func millions(_ parameters: Double?) -> String {
    guard let parameters else { return "–" }
    return NumberFormat.fixed(parameters / 1e6, decimals: 2) + " M"
  }

  static func row(_ cells: [String]) -> String { "| " + cells.joined(separator: " | ") + " |" }

  public static func render(_ report: ExperimentReport) -> String {
    let a = report.analysis
    let level = NumberFormat.percent(a.level)
    var out: [String] = []
    out.append("# chexstats report: CheXtransfer analysis")
    out.append("")
    out.append("## Methods")
    out.append("")
    out.append(methods(report))
    out.append("")
    out.append("## Figures")
    out.append("")
    for figure in ExperimentFigures.catalogue {
      out.append("![\(figure.caption)](figures/\(figure.file))")
      out.append("")
    }

    // 1. Configurations.
    out.append("## 1. Runs and configurations")
    out.append("")
    out.append(
      "Mean AUROC over the \(a.tasks.count) tasks; a configuration's value is the mean over its seeds, ± the standard deviation across seeds, with the seed-averaged bootstrap \(level) CI. Per-run and per-task values are in `runs.csv`."
    )
    out.append("")
    out.append(
      row([
        "Architecture", "Pretrained", "Blocks cut", "Family", "Parameters", "Seeds",
        "AUROC ± SD [\(level) CI]",
      ]))
    out.append("|---|---|---:|---|---:|---:|---|")
    for c in a.configurations {
      let sd = c.seedStandardDeviation.map { " ± " + f($0) } ?? ""
      let ci = c.mean.interval.map { " [\(f($0.lower)), \(f($0.upper))]" } ?? ""
      out.append(
        row([
          c.key.architecture, c.key.pretrained ? "yes" : "no", "\(c.key.truncatedBlocks)", c.family,
          millions(c.parameters), "\(c.runs.count)", f(c.mean.value) + sd + ci,
        ]))
    }
    out.append("")

    // 2. Architectures.
    out.append("## 2. Architectures: ImageNet pretraining boost")
    out.append("")
    out.append(
      "Boost = AUROC(pretrained) − AUROC(random init), full models, seeds averaged; paired bootstrap CI and p; Holm's correction across the \(a.architectures.filter { $0.boostP != nil }.count) architectures with both."
    )
    out.append("")
    out.append(
      row([
        "Architecture", "Family", "Parameters", "ImageNet top-1", "AUROC random [CI]",
        "AUROC pretrained [CI]", "Boost [CI]", "p", "p (Holm)", "Significant",
      ]))
    out.append("|---|---|---:|---:|---|---|---|---:|---:|---|")
    for r in a.architectures {
      let significant = r.boostPHolm.map { $0 <= 1 - a.level ? "yes" : "no" } ?? "–"
      out.append(
        row([
          r.architecture, r.family, millions(r.parameters), f(r.imagenetTop1, 2),
          withCI(r.random.map { a.configurations[$0].mean }),
          withCI(r.pretrained.map { a.configurations[$0].mean }), withCI(r.boost, signed: true),
          NumberFormat.pValue(r.boostP), NumberFormat.pValue(r.boostPHolm), significant,
        ]))
    }
    out.append("")

    // 3. Correlations.
    out.append("## 3. ImageNet accuracy vs CheXpert AUROC")
    out.append("")
    if !report.correlations.isEmpty {
      out.append(row(["Group", "x", "y", "Method", "Estimate [CI]", "CI method", "p", "p method", "n"]))
      out.append("|---|---|---|---|---|---|---:|---|---:|")
      for c in report.correlations {
        let ci = c.interval.map { " [\(f($0.lower, 3)), \(f($0.upper, 3))]" } ?? ""
        out.append(
          row([
            c.group, c.x, c.y, c.method, f(c.estimate, 3) + ci, c.interval == nil ? "–" : c.intervalMethod,
            NumberFormat.pValue(c.p), c.pMethod, "\(c.n)",
          ]))
      }
      out.append("")
    }
    for group in ["pretrained", "random"]
    where !report.correlations.contains(where: {
      $0.group == group && $0.x == "imagenet_top1"
    }) {
      out.append(
        "Not computed for \(group) models: a correlation needs at least 3 architectures with ImageNet top-1 and a defined AUROC."
      )
      out.append("")
    }

    // 4. Family and size.
    out.append("## 4. Family vs size")
    out.append("")
    if report.familySize.isEmpty {
      out.append(
        "Not computed: needs full-model runs of at least 3 architectures in at least 2 families, more architectures than families."
      )
      out.append("")
    }
    for s in report.familySize {
      let group = s.group == "random" ? "Random initialisation" : "ImageNet pretrained"
      out.append(
        "**\(group).** One-way ANOVA of AUROC on family over \(s.architectures) architectures in \(s.families) families: F(\(s.familyDegreesOfFreedom.0), \(s.familyDegreesOfFreedom.1)) = \(f(s.familyF, 2)), p = \(NumberFormat.pValue(s.familyP)); family explains \(NumberFormat.fixed(100 * s.familyEtaSquared, decimals: 1))% of the variance (eta²). log10(parameters) within families explains a further \(NumberFormat.fixed(100 * s.sizeWithinFamilyShare, decimals: 1))%\(s.sizeWithinFamilyP.map { " (p = \(NumberFormat.pValue($0)))" } ?? ""). Spearman of log10(parameters) vs AUROC across all architectures: \(f(s.sizeSpearman, 3))."
      )
      out.append("")
      out.append(row(["Family", "Architectures", "AUROC min", "AUROC max", "Range"]))
      out.append("|---|---:|---:|---:|---:|")
      for r in s.ranges {
        out.append(row([r.family, "\(r.members)", f(r.minimum), f(r.maximum), f(r.maximum - r.minimum)]))
      }
      out.append("")
    }

    // 5. Boost vs size.
    out.append("## 5. Pretraining boost vs model size")
    out.append("")
    if let fit = report.boostFit {
      out.append(
        "Ordinary least squares of boost on log10(parameters) (LAPACK QR), n = \(fit.n): R² = \(f(fit.rSquared, 3)), adjusted R² = \(f(fit.adjustedRSquared, 3)), residual SE = \(f(fit.residualStandardError)). Spearman of log10(parameters) vs boost: \(f(fit.spearman, 3)) (p = \(NumberFormat.pValue(fit.spearmanP)))."
      )
      out.append("")
      out.append(row(["Term", "Estimate", "SE", "t", "p", "\(level) CI"]))
      out.append("|---|---:|---:|---:|---:|---|")
      for t in [fit.intercept, fit.slope] {
        out.append(
          row([
            t.name, f(t.estimate), f(t.standardError), f(t.t, 2), NumberFormat.pValue(t.p),
            "[\(f(t.interval.lower)), \(f(t.interval.upper))]",
          ]))
      }
    } else {
      out.append("Not computed: needs a boost for at least 3 architectures with known parameters.")
    }
    out.append("")

    // 6. Truncation.
    out.append("## 6. Truncation")
    out.append("")
    if a.truncation.isEmpty {
      out.append("No truncated runs.")
    } else {
      out.append(
        "Each truncated model against the full pretrained model of its architecture (seeds averaged; paired bootstrap). A drop is significant when the upper end of its \(level) CI is below 0."
      )
      out.append("")
      out.append(
        row([
          "Architecture", "Blocks cut", "Parameters", "Full / truncated", "AUROC [CI]", "Difference [CI]",
          "p", "Significant drop",
        ]))
      out.append("|---|---:|---:|---:|---|---|---:|---|")
      for t in a.truncation {
        let c = a.configurations[t.configuration]
        out.append(
          row([
            t.architecture, "\(t.truncatedBlocks)", millions(c.parameters),
            t.parameterRatio.map { f($0, 2) + "x" } ?? "–", withCI(c.mean),
            withCI(t.difference, signed: true), NumberFormat.pValue(t.p),
            t.significantDrop ? "yes" : "no",
          ]))
      }
      out.append("")
      out.append(row(["Architecture", "Smallest without a significant drop", "Parameters", "Efficiency"]))
      out.append("|---|---|---:|---:|")
      for e in a.efficiency {
        out.append(
          row([
            e.architecture,
            e.truncatedBlocks == 0
              ? "full model" : "\(e.truncatedBlocks) block\(e.truncatedBlocks == 1 ? "" : "s") cut",
            millions(e.parameters), e.efficiency.map { f($0, 2) + "x" } ?? "–",
          ]))
      }
      out.append("")
      out.append(
        "**Mean parameter efficiency: \(a.meanEfficiency.map { f($0, 2) + "x" } ?? "–")** over \(a.efficiency.count) architectures. Definition: per architecture, parameters(full model) / parameters(smallest truncated model whose AUROC drop is not significant), 1 when every truncation drops; then the arithmetic mean over architectures."
      )
    }
    out.append("")

    // Notes.
    let notes = a.gaps.map(\.description) + sourceNotes(report)
    if !notes.isEmpty {
      out.append("## Notes")
      out.append("")
      out.append(contentsOf: notes.map { "- " + $0 })
      out.append("")
    }
    return out.joined(separator: "\n")
  }

  static func methods(_ report: ExperimentReport) -> String {
    let a = report.analysis
    let architectures = Set(report.runs.map(\.architecture)).count
    let families = Set(report.runs.map(\.family.value)).count
    let aggregation: String
    switch report.aggregation {
    case "study-max": aggregation = "per study, taking the maximum score over a study's images"
    case "study-mean": aggregation = "per study, averaging the scores of a study's images"
    default: aggregation = "per image"
    }
    let uncertain =
      ["ignore": "dropped from that task", "zeros": "counted as negative", "ones": "counted as positive"][
        report.uncertainPolicy] ?? report.uncertainPolicy
    let blank =
      ["ignore": "dropped from that task", "zeros": "counted as negative"][report.blankPolicy]
      ?? report.blankPolicy
    return """
      \(report.runs.count) runs of \(architectures) architectures in \(families) families were scored on \(a.studyCount) studies of `\(report.labelsPath)`, \(aggregation), on \(a.tasks.count) tasks (\(a.tasks.joined(separator: ", "))). Uncertain labels (-1) were \(uncertain); blank labels were \(blank). AUROC is the Mann-Whitney statistic with ties counted 1/2 (equal to scikit-learn's roc_auc_score); a run's AUROC is the unweighted mean over the tasks. Uncertainty comes from one nonparametric bootstrap of studies shared by every run: \(a.design.replicates) replicates, seed \(a.design.seed), each replicate evaluating every run and task on the same resampled studies, so that every difference is paired; several seeds of one configuration are averaged inside each replicate. Intervals are \(NumberFormat.percent(a.level)) percentile intervals (quantile type 7); a bootstrap p-value is two-sided, min(1, 2(1 + min(#{d* ≤ 0}, #{d* ≥ 0}))/(B + 1)). Boost p-values are corrected across architectures with Holm's step-down procedure. Correlations: Spearman (midranks; p from the t approximation, as scipy.stats.spearmanr), Pearson (p from the t distribution; Fisher-z CI) and Kendall's tau-b (exact p without ties for n ≤ 33, else the tie-corrected normal approximation, as scipy.stats.kendalltau), plus a bootstrap percentile CI of Spearman's rho over the same replicates. Family vs size: one-way ANOVA and the share of the sum of squares explained by log10(parameters) within families. Boost vs size: ordinary least squares through LAPACK. Metadata come from each run's run.json, else from \(report.architectureTablePath.map { "`\($0)`" } ?? "no architecture table"). chexstats \(report.version).
      """
  }

  static func sourceNotes(_ report: ExperimentReport) -> [String] {
    var notes: [String] = []
    let fromTable = report.runs.filter { $0.parameters?.source.hasPrefix("run.json") == false }
    if !fromTable.isEmpty {
      notes.append(
        "Parameters of \(fromTable.count) runs came from the architecture table (\(Set(fromTable.map { $0.parameters?.source ?? "" }).sorted().joined(separator: "; ")))."
      )
    }
    let top1Table = report.runs.filter { $0.imagenetTop1?.source.hasPrefix("run.json") == false }
    if !top1Table.isEmpty {
      notes.append("ImageNet top-1 of \(top1Table.count) runs came from the architecture table.")
    }
    let unknown = report.runs.filter { $0.parameters == nil }
    if !unknown.isEmpty {
      notes.append(
        "Parameters unknown for \(unknown.count) runs (\(unknown.prefix(5).map(\.name).joined(separator: ", "))\(unknown.count > 5 ? ", ..." : ""))."
      )
    }
    return notes
  }
}
