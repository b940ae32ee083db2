import ChexData
import ChexStats
import Foundation

/// Renders a ``ExperimentReport`` as `report.json`: every table, the methods and sources.
public enum ExperimentJSON {
  public static func render(_ report: ExperimentReport) -> String {
    JSONText.encode(Document(report))
  }

  typealias Estimate = JSONText.EstimateValue

  struct RunEntry: Encodable {
    let name: String
    let path: String
    let architecture: String
    let family: String
    let family_source: String
    let pretrained: Bool
    let truncated_blocks: Int
    let seed: Int?
    let parameters: Int?
    let parameters_source: String?
    let imagenet_top1: Double?
    let imagenet_top1_source: String?
    let tasks: [String: Estimate]
    let mean: Estimate?
  }

  struct ConfigurationEntry: Encodable {
    let architecture: String
    let pretrained: Bool
    let truncated_blocks: Int
    let family: String
    let parameters: Double?
    let runs: [String]
    let auroc: Estimate?
    let sd_across_seeds: Double?
  }

  struct ArchitectureEntry: Encodable {
    let architecture: String
    let family: String
    let parameters: Double?
    let imagenet_top1: Double?
    let auroc_random: Estimate?
    let auroc_pretrained: Estimate?
    let boost: Estimate?
    let p_bootstrap: Double?
    let p_holm: Double?
  }

  struct TruncationEntry: Encodable {
    let architecture: String
    let truncated_blocks: Int
    let parameter_ratio: Double?
    let difference: Estimate?
    let p_bootstrap: Double?
    let significant_drop: Bool
  }

  struct CorrelationEntry: Encodable {
    let group: String
    let x: String
    let y: String
    let method: String
    let estimate: Double
    let ci: JSONText.Interval?
    let ci_method: String?
    let p: Double?
    let p_method: String
    let n: Int
  }

  struct FamilySizeEntry: Encodable {
    let group: String
    let architectures: Int
    let families: Int
    let family_f: Double
    let family_df: [Int]
    let family_p: Double
    let family_eta_squared: Double
    let size_within_family_share: Double
    let size_within_family_f: Double?
    let size_within_family_p: Double?
    let size_spearman: Double
  }

  struct BoostFitEntry: Encodable {
    struct Term: Encodable {
      let estimate: Double
      let std_error: Double
      let t: Double
      let p: Double
      let ci: JSONText.Interval?
    }
    let method: String
    let intercept: Term
    let log10_parameters: Term
    let r_squared: Double
    let adjusted_r_squared: Double
    let residual_se: Double
    let n: Int
    let spearman: Double
    let spearman_p: Double
  }

  struct Document: Encodable {
    let chexstats_version: String
    let labels: String
    let architecture_table: String?
    let aggregation: String
    let uncertain: String
    let blank: String
    let tasks: [String]
    let studies: Int
    let bootstrap: [String: String]
    let methods: String
    let runs: [RunEntry]
    let configurations: [ConfigurationEntry]
    let architectures: [ArchitectureEntry]
    let correlations: [CorrelationEntry]
    let truncation: [TruncationEntry]
    let family_size: [FamilySizeEntry]
    let boost_fit: BoostFitEntry?
    let mean_parameter_efficiency: Double?
    let notes: [String]

    init(_ r: ExperimentReport) {
      let a = r.analysis
      chexstats_version = r.version
      labels = r.labelsPath
      architecture_table = r.architectureTablePath
      aggregation = r.aggregation
      uncertain = r.uncertainPolicy
      blank = r.blankPolicy
      tasks = a.tasks
      studies = a.studyCount
      bootstrap = [
        "replicates": "\(a.design.replicates)", "seed": "\(a.design.seed)",
        "level": "\(a.level)", "resampling": "studies, shared by all runs and tasks",
        "interval": "percentile, quantile type 7",
      ]
      methods = ExperimentMarkdown.methods(r)
      runs = zip(r.runs, a.runs).map { run, result in
        RunEntry(
          name: run.name, path: run.path, architecture: run.architecture,
          family: run.family.value, family_source: run.family.source, pretrained: run.pretrained,
          truncated_blocks: run.truncatedBlocks, seed: run.seed, parameters: run.parameters?.value,
          parameters_source: run.parameters?.source, imagenet_top1: run.imagenetTop1?.value,
          imagenet_top1_source: run.imagenetTop1?.source,
          tasks: Dictionary(
            uniqueKeysWithValues: zip(a.tasks, result.tasks).compactMap { name, e in
              Estimate(e).map { (name, $0) }
            }),
          mean: Estimate(result.mean))
      }
      configurations = a.configurations.map { c in
        ConfigurationEntry(
          architecture: c.key.architecture, pretrained: c.key.pretrained,
          truncated_blocks: c.key.truncatedBlocks, family: c.family, parameters: c.parameters,
          runs: c.runs.map { a.runs[$0].model.name }, auroc: Estimate(c.mean),
          sd_across_seeds: c.seedStandardDeviation)
      }
      architectures = a.architectures.map { row in
        ArchitectureEntry(
          architecture: row.architecture, family: row.family, parameters: row.parameters,
          imagenet_top1: row.imagenetTop1,
          auroc_random: Estimate(row.random.map { a.configurations[$0].mean }),
          auroc_pretrained: Estimate(row.pretrained.map { a.configurations[$0].mean }),
          boost: Estimate(row.boost), p_bootstrap: row.boostP, p_holm: row.boostPHolm)
      }
      correlations = r.correlations.map { c in
        CorrelationEntry(
          group: c.group, x: c.x, y: c.y, method: c.method, estimate: c.estimate,
          ci: JSONText.Interval(c.interval), ci_method: c.interval == nil ? nil : c.intervalMethod, p: c.p,
          p_method: c.pMethod, n: c.n)
      }
      truncation = a.truncation.map { t in
        TruncationEntry(
          architecture: t.architecture, truncated_blocks: t.truncatedBlocks,
          parameter_ratio: t.parameterRatio, difference: Estimate(t.difference), p_bootstrap: t.p,
          significant_drop: t.significantDrop)
      }
      family_size = r.familySize.map { s in
        FamilySizeEntry(
          group: s.group, architectures: s.architectures, families: s.families, family_f: s.familyF,
          family_df: [s.familyDegreesOfFreedom.0, s.familyDegreesOfFreedom.1], family_p: s.familyP,
          family_eta_squared: s.familyEtaSquared, size_within_family_share: s.sizeWithinFamilyShare,
          size_within_family_f: s.sizeWithinFamilyF, size_within_family_p: s.sizeWithinFamilyP,
          size_spearman: s.sizeSpearman)
      }
      boost_fit = r.boostFit.map { fit in
        func term(_ t: ExperimentAnalysis.BoostFit.Term) -> BoostFitEntry.Term {
          .init(
            estimate: t.estimate, std_error: t.standardError, t: t.t, p: t.p,
            ci: JSONText.Interval(t.interval))
        }
        return BoostFitEntry(
          method: "ordinary least squares of boost on log10(parameters), LAPACK QR (dgels)",
          intercept: term(fit.intercept), log10_parameters: term(fit.slope), r_squared: fit.rSquared,
          adjusted_r_squared: fit.adjustedRSquared, residual_se: fit.residualStandardError, n: fit.n,
          spearman: fit.spearman, spearman_p: fit.spearmanP)
      }
      mean_parameter_efficiency = a.meanEfficiency
      notes = a.gaps.map(\.description) + ExperimentMarkdown.sourceNotes(r)
    }
  }
}
