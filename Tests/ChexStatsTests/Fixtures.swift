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
