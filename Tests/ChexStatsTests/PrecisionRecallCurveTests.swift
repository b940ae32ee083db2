import ChexTestSupport
import XCTest

@testable import ChexStats

/// The ROC and precision-recall curves and the average precision against scikit-learn's
/// `roc_curve(drop_intermediate=False)`, `precision_recall_curve` and
/// `average_precision_score` (Fixtures/decisions_reference.json).
final class PrecisionRecallCurveTests: XCTestCase {
  func testCurvesMatchScikitLearn() throws {
    for d in try DecisionsReference.load().datasets {
      let ranked = RankedScores(labels: d.boolLabels, scores: d.scores)
      let roc = try XCTUnwrap(ROCCurve(ranked))
      XCTAssertEqual(roc.thresholds.count, d.roc.thresholds.count, d.name)
      for k in roc.thresholds.indices {
        XCTAssertEqual(roc.thresholds[k], d.roc.thresholds[k] ?? .infinity, d.name)
        assertClose(roc.falsePositiveRates[k], d.roc.fpr[k], tolerance: 1e-15, d.name)
        assertClose(roc.truePositiveRates[k], d.roc.tpr[k], tolerance: 1e-15, d.name)
      }
      // scikit-learn: thresholds ascending, then the appended (precision 1, recall 0) point.
      let pr = try XCTUnwrap(PrecisionRecallCurve(ranked))
      XCTAssertEqual(pr.thresholds, d.pr.thresholds.reversed(), d.name)
      XCTAssertEqual(d.pr.precision.last, 1)
      XCTAssertEqual(d.pr.recall.last, 0)
      for (k, j) in zip(pr.thresholds.indices, d.pr.thresholds.indices.reversed()) {
        assertClose(pr.precisions[k], d.pr.precision[j], tolerance: 1e-15, d.name)
        assertClose(pr.recalls[k], d.pr.recall[j], tolerance: 1e-15, d.name)
      }
      assertClose(try XCTUnwrap(ranked.averagePrecision), d.average_precision, tolerance: 1e-13, d.name)
      assertClose(try XCTUnwrap(auroc(ranked)), d.auroc, tolerance: 1e-14, d.name)
    }
  }

  /// The ROC curve's points are pROC's `coords(r, "all")` (specificity, sensitivity), read in
  /// the other direction: pROC ascends through its midpoint thresholds from -Inf (everything
  /// positive), chexstats descends through the scores from +infinity (nothing positive).
  func testROCPointsMatchPROCCoords() throws {
    for d in try DecisionsReference.load().datasets {
      let roc = try XCTUnwrap(ROCCurve(RankedScores(labels: d.boolLabels, scores: d.scores)))
      let coords = d.proc_coords
      XCTAssertEqual(roc.thresholds.count, coords.specificity.count, d.name)
      for (k, j) in zip(roc.thresholds.indices, coords.specificity.indices.reversed()) {
        assertClose(1 - roc.falsePositiveRates[k], coords.specificity[j], tolerance: 1e-14, d.name)
        assertClose(roc.truePositiveRates[k], coords.sensitivity[j], tolerance: 1e-14, d.name)
        // pROC's threshold lies between this point's score and the next lower one.
        if k > 0, let midpoint = coords.threshold[j] {
          XCTAssertLessThanOrEqual(midpoint, roc.thresholds[k], d.name)
          if k + 1 < roc.thresholds.count { XCTAssertGreaterThan(midpoint, roc.thresholds[k + 1], d.name) }
        }
      }
    }
  }

  /// pROC's `coords(input = "specificity" / "sensitivity")` returns the top of a vertical
  /// segment and the left end of a horizontal one, and interpolates elsewhere: the upper
  /// envelope. The naive Python reading of the fixture agrees too.
  func testEnvelopeMatchesPROCCoords() throws {
    for d in try DecisionsReference.load().datasets {
      let ranked = RankedScores(labels: d.boolLabels, scores: d.scores)
      for (reference, source) in [(d.proc_sens_at_spec, "pROC"), (d.naive_sens_at_spec, "naive")] {
        for point in reference {
          let value = try XCTUnwrap(ranked.sensitivity(atFalsePositiveRate: 1 - point.specificity))
          assertClose(
            value, point.sensitivity, tolerance: 1e-12, "\(d.name) \(source) spec \(point.specificity)")
        }
      }
      for (reference, source) in [(d.proc_spec_at_sens, "pROC"), (d.naive_spec_at_sens, "naive")] {
        for point in reference {
          let value = try XCTUnwrap(ranked.specificity(atSensitivity: point.sensitivity))
          assertClose(
            value, point.specificity, tolerance: 1e-12, "\(d.name) \(source) sens \(point.sensitivity)")
        }
      }
    }
  }
}
