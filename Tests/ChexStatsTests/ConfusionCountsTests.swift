import ChexTestSupport
import XCTest

@testable import ChexStats

/// The decision metrics and Wilson intervals against scikit-learn and statsmodels
/// (Fixtures/decisions_reference.json), and by hand.
final class ConfusionCountsTests: XCTestCase {
  func testMetricsMatchScikitLearn() throws {
    for d in try DecisionsReference.load().datasets {
      let table = ConfusionCounts(labels: d.boolLabels, decisions: d.boolDecisions)
      let m = d.metrics
      XCTAssertEqual(
        [table.truePositives, table.falsePositives, table.trueNegatives, table.falseNegatives],
        [m.tp, m.fp, m.tn, m.fn],
        d.name)
      let expected: [(BinaryMetric, Double?)] = [
        (.sensitivity, m.sensitivity), (.specificity, m.specificity), (.ppv, m.ppv), (.npv, m.npv),
        (.f1, m.f1),
        (.mcc, m.mcc), (.kappa, m.kappa),
      ]
      for (metric, reference) in expected {
        if let reference {
          assertClose(
            try XCTUnwrap(table.value(metric), "\(d.name) \(metric)"), reference, tolerance: 1e-14,
            "\(d.name) \(metric)")
        } else {
          XCTAssertNil(table.value(metric), "\(d.name) \(metric): scikit-learn says undefined")
        }
      }
    }
  }

  func testWilsonMatchesStatsmodels() throws {
    for d in try DecisionsReference.load().datasets {
      let table = ConfusionCounts(labels: d.boolLabels, decisions: d.boolDecisions)
      for (level, wilson) in [(0.95, d.wilson), (0.90, d.wilson90)] {
        let sensitivity = try XCTUnwrap(
          ConfidenceInterval.wilson(successes: table.truePositives, trials: table.positives, level: level))
        let specificity = try XCTUnwrap(
          ConfidenceInterval.wilson(successes: table.trueNegatives, trials: table.negatives, level: level))
        assertClose(sensitivity.lower, wilson.sensitivity[0], tolerance: 1e-13, d.name)
        assertClose(sensitivity.upper, wilson.sensitivity[1], tolerance: 1e-13, d.name)
        assertClose(specificity.lower, wilson.specificity[0], tolerance: 1e-13, d.name)
        assertClose(specificity.upper, wilson.specificity[1], tolerance: 1e-13, d.name)
      }
    }
  }

  /// A 2x2 table worked by hand: TP 40, FP 10, TN 45, FN 5 (n = 100).
  func testHandWorkedTable() throws {
    let t = ConfusionCounts(truePositives: 40, falsePositives: 10, trueNegatives: 45, falseNegatives: 5)
    XCTAssertEqual(t.value(.sensitivity), 40.0 / 45)
    XCTAssertEqual(t.value(.specificity), 45.0 / 55)
    XCTAssertEqual(t.value(.ppv), 0.8)
    XCTAssertEqual(t.value(.npv), 0.9)
    XCTAssertEqual(try XCTUnwrap(t.value(.f1)), 80.0 / 95, accuracy: 1e-15)
    // MCC = (40 x 45 - 10 x 5) / sqrt(50 x 45 x 55 x 50) = 1750 / 2487.47...
    XCTAssertEqual(try XCTUnwrap(t.value(.mcc)), 1750 / (50.0 * 45 * 55 * 50).squareRoot(), accuracy: 1e-15)
    // kappa: p_o = 0.85, p_e = (50 x 45 + 50 x 55) / 100^2 = 0.5, kappa = 0.7.
    XCTAssertEqual(try XCTUnwrap(t.value(.kappa)), 0.7, accuracy: 1e-15)
    // Wilson, 40 of 45 at 95%: centre and half-width from the formula with z = 1.959963984540054.
    let z = 1.959963984540054
    let p = 40.0 / 45
    let centre = (p + z * z / 90) / (1 + z * z / 45)
    let half = z / (1 + z * z / 45) * (p * (1 - p) / 45 + z * z / (4 * 45 * 45)).squareRoot()
    let w = try XCTUnwrap(ConfidenceInterval.wilson(successes: 40, trials: 45))
    XCTAssertEqual(w.lower, centre - half, accuracy: 1e-14)
    XCTAssertEqual(w.upper, centre + half, accuracy: 1e-14)
    XCTAssertNil(ConfidenceInterval.wilson(successes: 0, trials: 0))
  }

  func testUndefinedWhereADenominatorIsZero() {
    let none = ConfusionCounts(truePositives: 0, falsePositives: 0, trueNegatives: 7, falseNegatives: 3)
    XCTAssertNil(none.value(.ppv))
    XCTAssertNil(none.value(.mcc))
    XCTAssertEqual(none.value(.f1), 0)
    XCTAssertEqual(none.value(.kappa), 0)
  }
}
