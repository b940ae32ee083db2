import ChexTestSupport
import XCTest

@testable import ChexStats

final class AUROCTests: XCTestCase {
  /// scikit-learn's roc_auc_score on the fixture data sets (ties, rare positives, n = 5000).
  func testMatchesScikitLearn() throws {
    for d in try ROCReference.load().datasets {
      assertClose(auroc(labels: d.boolLabels, scores: d.a), d.sklearn_auc_a, tolerance: 1e-14, d.name)
      assertClose(auroc(labels: d.boolLabels, scores: d.b), d.sklearn_auc_b, tolerance: 1e-14, d.name)
    }
  }

  /// Hand-worked: positives {0.35, 0.8, 0.4, 0.9, 0.35}, negatives {0.1, 0.4, 0.4, 0.2, 0.6}.
  /// Each 0.35 beats 0.1 and 0.2 (2 + 2); 0.8 and 0.9 beat all five (5 + 5); 0.4 beats 0.1 and
  /// 0.2 and ties the two 0.4s (2 + 1); 17 of 25 pairs = 0.68.
  func testHandWorkedWithTies() {
    let labels: [Bool?] = [false, false, true, true, false, true, false, true, true, false]
    let scores = [0.1, 0.4, 0.35, 0.8, 0.4, 0.4, 0.2, 0.9, 0.35, 0.6]
    XCTAssertEqual(auroc(labels: labels, scores: scores), 0.68)
  }

  func testAllScoresEqualGivesOneHalf() {
    XCTAssertEqual(auroc(labels: [true, false, true, false, false], scores: [1, 1, 1, 1, 1]), 0.5)
  }

  func testOneClassIsUndefined() {
    XCTAssertNil(auroc(labels: [true, true, nil], scores: [0.2, 0.3, 0.4]))
    XCTAssertNil(auroc(labels: [false, nil], scores: [0.2, 0.3]))
  }

  func testExcludedStudiesTakeNoPart() {
    // The excluded study would flip the ordering if it counted.
    XCTAssertEqual(auroc(labels: [true, false, nil], scores: [0.9, 0.1, -5]), 1)
  }

  func testMatchesNaiveOracleOnSeededData() {
    for seed in UInt64(1)...20 {
      let d = Oracle.data(n: 300, seed: seed, tieGrid: seed.isMultiple(of: 2) ? 0.05 : nil)
      assertClose(
        auroc(labels: d.labels, scores: d.a), Oracle.auroc(labels: d.labels, scores: d.a),
        tolerance: 1e-14, "seed \(seed)")
    }
  }

  /// Exact 64-bit counting at a size where P * N exceeds 2^32.
  func testLargeSampleAgainstClosedForm() {
    // n positives scored 1, n negatives scored 0, and one more negative scored 1: each positive
    // beats n negatives and ties one, so AUROC = n (n + 1/2) / (n (n + 1)).
    let n = 100_000
    var labels = [Bool?](repeating: true, count: n) + [Bool?](repeating: false, count: n)
    var scores = [Double](repeating: 1, count: n) + [Double](repeating: 0, count: n)
    labels.append(false)
    scores.append(1)
    let expected = (Double(n) * Double(n) + Double(n) / 2) / (Double(n) * Double(n + 1))
    assertClose(auroc(labels: labels, scores: scores), expected, tolerance: 1e-15)
  }

  func testROCCurveAreaEqualsMannWhitney() throws {
    for d in try ROCReference.load().datasets {
      let ranked = RankedScores(labels: d.boolLabels, scores: d.a)
      let curve = try XCTUnwrap(ROCCurve(ranked))
      assertClose(curve.trapezoidalArea, auroc(ranked), tolerance: 1e-12, d.name)
      XCTAssertEqual(curve.falsePositiveRates.first, 0)
      XCTAssertEqual(curve.truePositiveRates.last, 1)
      XCTAssertEqual(curve.falsePositiveRates.last, 1)
    }
  }
}
