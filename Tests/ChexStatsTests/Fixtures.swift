import ChexTestSupport
import Foundation

/// This target's `Fixtures/` folder (each test target has its own bundle).
let fixtures = FixtureFolder(bundle: .module)

/// `Fixtures/roc_reference.json`, made by notebooks-export/make_roc_fixtures.py
/// (scikit-learn and R's pROC; versions inside the file).
struct ROCReference: Decodable {
  struct Dataset: Decodable {
    let name: String
    let labels: [Int]
    let a: [Double]
    let b: [Double]
    let sklearn_auc_a: Double
    let sklearn_auc_b: Double
    let proc: [String: Double]

    var boolLabels: [Bool?] { labels.map { $0 == 1 } }
  }
  let _provenance: String
  let bootstrap_replicates: Int
  let datasets: [Dataset]

  static func load() throws -> ROCReference {
    try fixtures.decode("roc_reference.json", as: ROCReference.self)
  }
}

/// `Fixtures/beta_t_f.json`, made by notebooks-export/beta_t_f_fixture.py: the regularized
/// incomplete beta function, Student t and F distributions, each row with scipy's value and a
/// 40-digit mpmath reference (`true_*`). Versions in `_provenance`.
struct BetaTFReference: Decodable {
  struct Beta: Decodable {
    var x, a, b: Double
    var scipy_lower, scipy_upper, true_lower, true_upper: Double
  }
  struct T: Decodable {
    var t, df: Double
    var scipy_cdf, scipy_sf, true_cdf, true_sf: Double
  }
  struct TQuantile: Decodable {
    var p, df: Double
    /// nil where scipy's `t.ppf` overflowed to infinity (JSON has no infinity).
    var scipy_quantile: Double?
    var true_quantile: Double
  }
  struct F: Decodable {
    var f, d1, d2: Double
    var scipy_cdf, scipy_sf, true_cdf, true_sf: Double
  }
  let _provenance: String
  let beta: [Beta]
  let t: [T]
  let t_quantile: [TQuantile]
  let f: [F]

  static func load() throws -> BetaTFReference {
    try fixtures.decode("beta_t_f.json", as: BetaTFReference.self)
  }
}

/// `Fixtures/decisions_reference.json`, made by notebooks-export/make_decision_fixtures.py:
/// scikit-learn `roc_curve`, `precision_recall_curve`, `average_precision_score` and the
/// decision metrics, statsmodels' Wilson intervals, pROC `coords`, a naive upper-envelope
/// reading, and per-replicate values on stored resample indices. Versions in `_provenance`.
/// JSON null stands for infinite thresholds and undefined values.
struct DecisionsReference: Decodable {
  struct Curve: Decodable {
    let fpr: [Double]
    let tpr: [Double]
    let thresholds: [Double?]
  }
  struct PR: Decodable {
    let precision: [Double]
    let recall: [Double]
    let thresholds: [Double]
  }
  /// pROC `coords(r, "all")`, thresholds ascending (midpoints; -Inf and +Inf as null).
  struct Coords: Decodable {
    let threshold: [Double?]
    let specificity: [Double]
    let sensitivity: [Double]
  }
  struct SensAtSpec: Decodable {
    let specificity: Double
    let sensitivity: Double
  }
  struct SpecAtSens: Decodable {
    let sensitivity: Double
    let specificity: Double
  }
  struct Metrics: Decodable {
    let tp, fp, tn, fn: Int
    let sensitivity, specificity, ppv, npv, f1, kappa, mcc: Double?
  }
  struct Wilson: Decodable {
    let sensitivity: [Double]
    let specificity: [Double]
  }
  struct BootstrapValues: Decodable {
    let auroc: [Double?]
    let average_precision: [Double?]
    let sensitivity: [Double?]
    let specificity: [Double?]
    let mcc: [Double?]
    let sens_at_spec: [Double?]
  }
  struct Dataset: Decodable {
    let name: String
    let labels: [Int]
    let scores: [Double]
    let decisions: [Int]
    let roc: Curve
    let pr: PR
    let average_precision: Double
    let auroc: Double
    let proc_coords: Coords
    let proc_sens_at_spec: [SensAtSpec]
    let proc_spec_at_sens: [SpecAtSens]
    let naive_sens_at_spec: [SensAtSpec]
    let naive_spec_at_sens: [SpecAtSens]
    let metrics: Metrics
    let wilson: Wilson
    let wilson90: Wilson
    let bootstrap_target_specificity: Double
    let bootstrap_indices: [[Int]]?
    let bootstrap_values: BootstrapValues

    var boolLabels: [Bool?] { labels.map { $0 == 1 } }
    var boolDecisions: [Bool] { decisions.map { $0 == 1 } }
  }
  let _provenance: String
  let datasets: [Dataset]

  static func load() throws -> DecisionsReference {
    try fixtures.decode("decisions_reference.json", as: DecisionsReference.self)
  }
}
