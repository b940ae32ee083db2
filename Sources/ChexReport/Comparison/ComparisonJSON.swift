import ChexStats
import Foundation

/// Renders a ``ComparisonReport`` as JSON: every number of the Markdown and CSV outputs plus
/// the DeLong variances, bootstrap standard errors and replicate counts, and a `methods` object
/// in words. Undefined values are `null`.
public enum ComparisonJSON {
  public static func render(_ report: ComparisonReport) -> String {
    JSONText.encode(Document(report))
  }

  struct Document: Encodable {
    typealias Estimate = JSONText.EstimateValue
    struct DeLongResult: Encodable {
      let z: Double?
      let p: Double
      let se: Double
      let variance_a: Double
      let variance_b: Double
      let covariance: Double
      let ci: JSONText.Interval?
      init?(_ d: DeLong.Comparison?) {
        guard let d else { return nil }
        z = d.z.isFinite ? d.z : nil
        (p, se, variance_a, variance_b, covariance) = (
          d.p, d.standardError, d.varianceA, d.varianceB, d.covariance
        )
        ci = JSONText.Interval(d.confidenceInterval)
      }
    }
    struct Task: Encodable {
      let task: String
      let n: Int
      let positives: Int
      let negatives: Int
      let auroc_a: Estimate
      let auroc_b: Estimate
      let difference: Estimate
      let p_bootstrap: Double?
      let delong: DeLongResult?
    }
    struct Mean: Encodable {
      let tasks: [String]
      let n: Int
      let auroc_a: Estimate
      let auroc_b: Estimate
      let difference: Estimate
      let p_bootstrap: Double?
    }
    struct Methods: Encodable {
      let auroc: String
      let aggregation: String
      let uncertain: String
      let blank: String
      let bootstrap: String
      let bootstrap_p: String
      let delong: String
    }
    let chexstats_version: String
    let run_a: JSONText.Run
    let run_b: JSONText.Run
    let labels: String
    let studies: Int
    let aggregation: String
    let uncertain: String
    let blank: String
    let bootstrap: JSONText.Design
    let methods: Methods
    let tasks: [Task]
    let mean: Mean?
    let notes: [String]

    init(_ r: ComparisonReport) {
      let c = r.comparison
      chexstats_version = r.version
      run_a = JSONText.Run(r.runA)
      run_b = JSONText.Run(r.runB)
      labels = r.evaluation.labelsPath
      studies = r.evaluation.studies
      aggregation = r.evaluation.aggregation
      uncertain = r.evaluation.uncertainPolicy
      blank = r.evaluation.blankPolicy
      bootstrap = JSONText.Design(c.design, level: c.level)
      methods = Methods(
        auroc: ComparisonReport.aurocDescription, aggregation: r.aggregationDescription,
        uncertain: r.uncertainDescription, blank: r.blankDescription,
        bootstrap: r.bootstrapDescription, bootstrap_p: ComparisonReport.bootstrapPDefinition,
        delong: ComparisonReport.deLongDescription)
      tasks = c.tasks.map { t in
        Task(
          task: t.name, n: t.studies, positives: t.positives, negatives: t.negatives,
          auroc_a: Estimate(t.aurocA), auroc_b: Estimate(t.aurocB),
          difference: Estimate(t.difference),
          p_bootstrap: t.aurocA.value == nil ? nil : t.bootstrapP, delong: DeLongResult(t.deLong))
      }
      mean = c.mean.map { m in
        Mean(
          tasks: m.tasks, n: c.studyCount, auroc_a: Estimate(m.aurocA),
          auroc_b: Estimate(m.aurocB),
          difference: Estimate(m.difference), p_bootstrap: m.bootstrapP)
      }
      notes = r.notes
    }
  }
}
