import ChexData
import ChexStats

/// The tables of a ``ExperimentReport`` as CSV files, for plotting tools and other programs.
/// Every file has a fixed header; undefined values are empty; numbers at full precision.
public enum ExperimentCSV {
  /// File name -> CSV text, for every table.
  public static func render(_ report: ExperimentReport) -> [(name: String, text: String)] {
    [
      ("runs.csv", runs(report)), ("configurations.csv", configurations(report)),
      ("architectures.csv", architectures(report)), ("correlations.csv", correlations(report)),
      ("family_size.csv", familySize(report)), ("boost_fit.csv", boostFit(report)),
      ("truncation.csv", truncation(report)), ("efficiency.csv", efficiency(report)),
    ]
  }

  static let x = NumberFormat.exact

  static func table(_ header: [String], _ rows: [[String]]) -> String {
    ([header] + rows).map { $0.map(CSVWriter.field).joined(separator: ",") }.joined(separator: "\n")
      + "\n"
  }

  static func integer(_ value: Int?) -> String { value.map(String.init) ?? "" }

  /// The tidy long table: one row per run and task, plus the run's mean (task `mean`).
  public static func runs(_ report: ExperimentReport) -> String {
    let a = report.analysis
    var rows: [[String]] = []
    for result in a.runs {
      let run = result.model
      let prefix = [
        run.name, run.architecture, run.family, "\(run.pretrained)", "\(run.truncatedBlocks)",
        integer(run.seed),
      ]
      for (t, estimate) in result.tasks.enumerated() {
        rows.append(
          prefix + [
            a.tasks[t], x(estimate.value), x(estimate.interval?.lower), x(estimate.interval?.upper),
          ])
      }
      rows.append(
        prefix + [
          "mean", x(result.mean.value), x(result.mean.interval?.lower), x(result.mean.interval?.upper),
        ])
    }
    return table(
      [
        "run", "architecture", "family", "pretrained", "truncated_blocks", "seed", "task", "auroc",
        "auroc_low", "auroc_high",
      ], rows)
  }

  public static func configurations(_ report: ExperimentReport) -> String {
    let rows = report.analysis.configurations.map { c in
      [
        c.key.architecture, c.family, "\(c.key.pretrained)", "\(c.key.truncatedBlocks)",
        x(c.parameters), x(c.imagenetTop1), "\(c.runs.count)", x(c.mean.value),
        x(c.seedStandardDeviation), x(c.mean.interval?.lower), x(c.mean.interval?.upper),
      ]
    }
    return table(
      [
        "architecture", "family", "pretrained", "truncated_blocks", "parameters", "imagenet_top1",
        "seeds", "auroc", "auroc_sd_seeds", "auroc_low", "auroc_high",
      ], rows)
  }

  public static func architectures(_ report: ExperimentReport) -> String {
    let a = report.analysis
    let rows = a.architectures.map { row -> [String] in
      let sources = report.sources(of: row.architecture)
      let random = row.random.map { a.configurations[$0].mean }
      let pretrained = row.pretrained.map { a.configurations[$0].mean }
      let significant = row.boostPHolm.map { $0 <= 1 - a.level ? "true" : "false" } ?? ""
      return [
        row.architecture, row.family, x(row.parameters), sources.parameters,
        x(row.imagenetTop1), sources.imagenetTop1,
        x(random?.value), x(random?.interval?.lower), x(random?.interval?.upper),
        x(pretrained?.value), x(pretrained?.interval?.lower), x(pretrained?.interval?.upper),
        x(row.boost?.value), x(row.boost?.interval?.lower), x(row.boost?.interval?.upper),
        x(row.boostP), x(row.boostPHolm), significant,
      ]
    }
    return table(
      [
        "architecture", "family", "parameters", "parameters_source", "imagenet_top1",
        "imagenet_top1_source", "auroc_random", "auroc_random_low", "auroc_random_high",
        "auroc_pretrained", "auroc_pretrained_low", "auroc_pretrained_high", "boost", "boost_low",
        "boost_high", "p_bootstrap", "p_holm", "significant_holm",
      ], rows)
  }

  public static func correlations(_ report: ExperimentReport) -> String {
    let rows = report.correlations.map { c in
      [
        c.group, c.x, c.y, c.method, x(c.estimate), x(c.interval?.lower), x(c.interval?.upper),
        c.interval == nil ? "" : c.intervalMethod, x(c.p), c.pMethod, "\(c.n)",
      ]
    }
    return table(
      ["group", "x", "y", "method", "estimate", "low", "high", "interval_method", "p", "p_method", "n"],
      rows)
  }

  public static func familySize(_ report: ExperimentReport) -> String {
    var rows: [[String]] = []
    for f in report.familySize {
      rows.append([
        f.group, "family", x(f.familyEtaSquared), x(f.familyF), "\(f.familyDegreesOfFreedom.0)",
        "\(f.familyDegreesOfFreedom.1)", x(f.familyP), "\(f.architectures)",
      ])
      rows.append([
        f.group, "log10_parameters_within_family", x(f.sizeWithinFamilyShare),
        x(f.sizeWithinFamilyF), "1", "\(f.architectures - f.families - 1)", x(f.sizeWithinFamilyP),
        "\(f.architectures)",
      ])
    }
    return table(["group", "term", "share_of_variance", "F", "df1", "df2", "p", "n"], rows)
  }

  public static func boostFit(_ report: ExperimentReport) -> String {
    var rows: [[String]] = []
    if let fit = report.boostFit {
      for term in [fit.intercept, fit.slope] {
        rows.append([
          term.name, x(term.estimate), x(term.standardError), x(term.t), x(term.p),
          x(term.interval.lower), x(term.interval.upper), x(fit.rSquared), x(fit.adjustedRSquared),
          x(fit.residualStandardError), "\(fit.n)",
        ])
      }
    }
    return table(
      [
        "term", "estimate", "std_error", "t", "p", "low", "high", "r_squared", "adj_r_squared",
        "residual_se", "n",
      ], rows)
  }

  public static func truncation(_ report: ExperimentReport) -> String {
    let a = report.analysis
    let rows = a.truncation.map { t -> [String] in
      let c = a.configurations[t.configuration]
      let full = a.configurations[t.full]
      return [
        t.architecture, "\(t.truncatedBlocks)", x(c.parameters), x(full.parameters),
        x(t.parameterRatio), x(c.mean.value), x(c.mean.interval?.lower), x(c.mean.interval?.upper),
        x(full.mean.value), x(t.difference.value), x(t.difference.interval?.lower),
        x(t.difference.interval?.upper), x(t.p), "\(t.significantDrop)",
      ]
    }
    return table(
      [
        "architecture", "truncated_blocks", "parameters", "parameters_full", "parameter_ratio",
        "auroc", "auroc_low", "auroc_high", "auroc_full", "difference", "difference_low",
        "difference_high", "p_bootstrap", "significant_drop",
      ], rows)
  }

  public static func efficiency(_ report: ExperimentReport) -> String {
    let rows = report.analysis.efficiency.map { e in
      [e.architecture, "\(e.truncatedBlocks)", x(e.parameters), x(e.parametersFull), x(e.efficiency)]
    }
    return table(
      ["architecture", "truncated_blocks", "parameters", "parameters_full", "efficiency"], rows)
  }
}

extension ExperimentReport {
  /// Where an architecture's parameter count and ImageNet top-1 came from (its full
  /// pretrained runs first).
  func sources(of architecture: String) -> (parameters: String, imagenetTop1: String) {
    let candidates = runs.filter { $0.architecture == architecture && $0.truncatedBlocks == 0 }
      .sorted { $0.pretrained && !$1.pretrained }
    return (
      candidates.lazy.compactMap { $0.parameters?.source }.first ?? "",
      candidates.lazy.compactMap { $0.imagenetTop1?.source }.first ?? ""
    )
  }
}
