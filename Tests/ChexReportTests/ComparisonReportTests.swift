import ChexStats
import ChexTestSupport
import XCTest

@testable import ChexReport

final class ComparisonReportTests: XCTestCase {
  /// A fixed comparison: three tasks on 12 studies, one task with no positive, one study
  /// excluded from a task. Seeded, so the bootstrap numbers are stable.
  static func report(intersection: ComparisonReport.Intersection? = nil) -> ComparisonReport {
    let edema: [Bool?] = [true, true, false, false, false, true, false, true, false, false, true, false]
    let effusion: [Bool?] = [false, true, nil, true, false, false, true, false, false, true, false, false]
    let none: [Bool?] = Array(repeating: false, count: 12)
    let a1 = [0.9, 0.8, 0.1, 0.2, 0.3, 0.7, 0.4, 0.65, 0.2, 0.1, 0.95, 0.5]
    let b1 = [0.7, 0.9, 0.3, 0.1, 0.6, 0.4, 0.2, 0.55, 0.5, 0.3, 0.8, 0.2]
    let a2 = [0.1, 0.9, 0.5, 0.7, 0.2, 0.3, 0.6, 0.1, 0.65, 0.8, 0.2, 0.3]
    let b2 = [0.3, 0.6, 0.5, 0.8, 0.1, 0.55, 0.5, 0.3, 0.3, 0.6, 0.4, 0.1]
    let comparison = ModelComparison(
      names: ["Edema", "Pleural Effusion", "Fracture"], labels: [edema, effusion, none],
      scoresA: [a1, a2, a1], scoresB: [b1, b2, b1],
      design: BootstrapDesign(replicates: 200, seed: 7))
    return ComparisonReport(
      runA: .init(name: "densenet121", path: "runs/densenet121"),
      runB: .init(name: "resnet50", path: "runs/resnet50.csv"),
      evaluation: .init(
        labelsPath: "labels.csv", aggregation: "study-max", uncertainPolicy: "ignore",
        blankPolicy: "zeros", studies: 12, intersection: intersection),
      comparison: comparison, version: "test")
  }

  func testMarkdownGolden() throws {
    try assertSnapshot(ComparisonMarkdown.render(Self.report()), named: "compare.md")
  }

  func testMarkdownWithIntersectionGolden() throws {
    let report = Self.report(intersection: .init(droppedFromLabels: 3, droppedFromRuns: [1, 0]))
    try assertSnapshot(ComparisonMarkdown.render(report), named: "compare-intersect.md")
  }

  func testCSVGolden() throws {
    try assertSnapshot(ComparisonCSV.render(Self.report()), named: "compare.csv")
  }

  func testCSVHeaderIsTheContract() {
    let first = ComparisonCSV.render(Self.report()).split(separator: "\n").first
    XCTAssertEqual(
      first.map(String.init),
      "task,n,positives,auroc_a,auroc_a_low,auroc_a_high,auroc_b,auroc_b_low,auroc_b_high,difference,difference_low,difference_high,p_bootstrap,delong_z,delong_p"
    )
  }

  func testJSONGolden() throws {
    try assertSnapshot(ComparisonJSON.render(Self.report()), named: "compare.json")
  }

  /// Hand-checked values in the rendered CSV: Edema AUROC A is 1 (every positive above every
  /// negative); the undefined task has empty cells.
  func testCSVValues() {
    let rows = ComparisonCSV.render(Self.report()).split(separator: "\n").map {
      $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
    }
    let edema = rows[1]
    XCTAssertEqual(edema[0], "Edema")
    XCTAssertEqual(edema[1], "12")
    XCTAssertEqual(edema[2], "5")
    XCTAssertEqual(edema[3], "1")
    let fracture = rows[3]
    XCTAssertEqual(fracture[0], "Fracture")
    XCTAssertEqual(Array(fracture[3...]), Array(repeating: "", count: 12))
    XCTAssertEqual(rows[4][0], "mean")
  }
}

final class NumberFormatTests: XCTestCase {
  func testExact() {
    XCTAssertEqual(NumberFormat.exact(0.1), "0.1")
    XCTAssertEqual(NumberFormat.exact(1), "1")
    XCTAssertEqual(NumberFormat.exact(nil), "")
    XCTAssertEqual(NumberFormat.exact(.nan), "")
    XCTAssertEqual(Double(NumberFormat.exact(0.123456789012345678)), 0.123456789012345678)
  }

  func testFixedAndSigned() {
    XCTAssertEqual(NumberFormat.fixed(0.87654, decimals: 4), "0.8765")
    XCTAssertEqual(NumberFormat.fixed(-0.00001, decimals: 4), "0.0000")
    XCTAssertEqual(NumberFormat.signed(0.0123, decimals: 4), "+0.0123")
    XCTAssertEqual(NumberFormat.signed(-0.0123, decimals: 4), "-0.0123")
    XCTAssertEqual(NumberFormat.signed(0.00001, decimals: 4), "0.0000")
    XCTAssertEqual(NumberFormat.fixed(nil, decimals: 4), "–")
  }

  func testPValues() {
    XCTAssertEqual(NumberFormat.pValue(0.0412), "0.041")
    XCTAssertEqual(NumberFormat.pValue(0.001), "0.001")
    XCTAssertEqual(NumberFormat.pValue(0.000123), "1.2e-04")
    XCTAssertEqual(NumberFormat.pValue(0), "<1e-300")
    XCTAssertEqual(NumberFormat.pValue(nil), "–")
  }
}
