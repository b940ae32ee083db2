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
