import Foundation
import XCTest

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
    let url = try XCTUnwrap(
      Bundle.module.url(forResource: "roc_reference", withExtension: "json", subdirectory: "Fixtures"))
    return try JSONDecoder().decode(ROCReference.self, from: Data(contentsOf: url))
  }
}

extension XCTestCase {
  /// Asserts |actual - expected| <= tolerance * max(1, |expected|).
  func assertClose(
    _ actual: Double?, _ expected: Double?, tolerance: Double, _ message: String = "",
    file: StaticString = #filePath, line: UInt = #line
  ) {
    guard let actual, let expected else {
      XCTFail(
        "nil value: \(String(describing: actual)) vs \(String(describing: expected)) \(message)", file: file,
        line: line)
      return
    }
    let scale = max(1, abs(expected))
    XCTAssertLessThanOrEqual(
      abs(actual - expected), tolerance * scale,
      "\(actual) vs expected \(expected) \(message)", file: file, line: line)
  }
}
