import ChexTestSupport
import XCTest

@testable import ChexStats

/// Reading the ROC curve's upper envelope and the average precision: hand-worked cases, an
/// O(n^2) oracle that builds every segment, and weighted readings against the same data with
/// each study repeated as often as it was drawn.
final class CurveReadingTests: XCTestCase {
  /// scikit-learn's documentation example: y = [0, 0, 1, 1], scores [0.1, 0.4, 0.35, 0.8].
  /// roc_curve: fpr [0, 0, 0.5, 0.5, 1], tpr [0, 0.5, 0.5, 1, 1]; average_precision_score 0.8333.
  let example = RankedScores(labels: [false, false, true, true], scores: [0.1, 0.4, 0.35, 0.8])

  func testHandWorkedEnvelope() throws {
    // At FPR 0 the curve rises from (0, 0) to (0, 0.5): the top is 0.5.
    XCTAssertEqual(example.sensitivity(atFalsePositiveRate: 0), 0.5)
    XCTAssertEqual(example.sensitivity(atFalsePositiveRate: 0.25), 0.5)
    // At FPR 0.5 a vertical segment from 0.5 to 1: the top.
    XCTAssertEqual(example.sensitivity(atFalsePositiveRate: 0.5), 1)
    XCTAssertEqual(example.sensitivity(atFalsePositiveRate: 1), 1)
    // Sensitivity 0.5 is first reached at FPR 0 (the left end of the horizontal segment).
    XCTAssertEqual(example.specificity(atSensitivity: 0.5), 1)
    XCTAssertEqual(example.specificity(atSensitivity: 0.75), 0.5)
    XCTAssertEqual(example.specificity(atSensitivity: 0), 1)
    XCTAssertEqual(example.specificity(atSensitivity: 1), 0.5)
    XCTAssertEqual(try XCTUnwrap(example.averagePrecision), 5.0 / 6, accuracy: 1e-15)
  }

  /// A tie group of one positive and one negative is a diagonal segment: linear in between.
  func testDiagonalSegmentInterpolates() {
    let ranked = RankedScores(labels: [true, false], scores: [0.5, 0.5])
    XCTAssertEqual(ranked.sensitivity(atFalsePositiveRate: 0.25), 0.25)
    XCTAssertEqual(ranked.specificity(atSensitivity: 0.25), 0.75)
    // AP: one threshold, precision 1/2, recall 1.
    XCTAssertEqual(ranked.averagePrecision, 0.5)
  }

  func testUndefinedWithOneClass() {
    let ranked = RankedScores(labels: [true, true], scores: [0.2, 0.3])
    XCTAssertNil(ranked.sensitivity(atFalsePositiveRate: 0.5))
    XCTAssertNil(ranked.specificity(atSensitivity: 0.5))
    XCTAssertEqual(ranked.averagePrecision, 1)
    XCTAssertNil(RankedScores(labels: [false], scores: [0.1]).averagePrecision)
  }

  func testEnvelopeMatchesOracleOnRandomData() throws {
    for seed in UInt64(1)...12 {
      let d = Oracle.data(n: 60, seed: seed, tieGrid: seed.isMultiple(of: 3) ? 0.2 : nil)
      let ranked = RankedScores(labels: d.labels, scores: d.a)
      let points = CurveOracle.points(labels: d.labels, scores: d.a)
      let negatives = Double(d.labels.filter { $0 == false }.count)
      let positives = Double(d.labels.filter { $0 == true }.count)
      // Every attainable false-positive count, and points in between.
      for k in 0...Int(negatives) * 2 {
        let rate = Double(k) / 2 / negatives
        let fast = try XCTUnwrap(ranked.sensitivity(atFalsePositiveRate: rate))
        assertClose(
          fast, CurveOracle.sensitivity(points, atFPR: rate), tolerance: 1e-12, "seed \(seed) k \(k)")
      }
      for k in 0...Int(positives) * 2 {
        let sensitivity = Double(k) / 2 / positives
        let fast = try XCTUnwrap(ranked.specificity(atSensitivity: sensitivity))
        assertClose(
          fast, 1 - CurveOracle.falsePositiveRate(points, atTPR: sensitivity), tolerance: 1e-12,
          "seed \(seed)")
      }
      assertClose(
        try XCTUnwrap(ranked.averagePrecision), CurveOracle.averagePrecision(labels: d.labels, scores: d.a),
        tolerance: 1e-13, "seed \(seed)")
    }
  }

  /// With multiplicities, every reading equals the unweighted reading of the expanded data.
  func testWeightedReadingsEqualExpandedData() {
    var rng = Xoshiro256StarStar(seed: 11)
    for seed in UInt64(1)...8 {
      let d = Oracle.data(n: 50, seed: seed, tieGrid: seed.isMultiple(of: 2) ? 0.1 : nil)
      let counts = (0..<50).map { _ in UInt32(rng.next(below: 4)) }
      var labels: [Bool?] = []
      var scores: [Double] = []
      for i in 0..<50 where counts[i] > 0 {
        for _ in 0..<counts[i] {
          labels.append(d.labels[i])
          scores.append(d.a[i])
        }
      }
      let ranked = RankedScores(labels: d.labels, scores: d.a)
      let expanded = RankedScores(labels: labels, scores: scores)
      guard expanded.isDefined else { continue }
      counts.withUnsafeBufferPointer { counts in
        let (p, q) = CurveReading.totals(ranked, counts: counts)
        XCTAssertEqual(Int(p), expanded.positives)
        XCTAssertEqual(Int(q), expanded.negatives)
        for k in 0...Int(q) {
          let tp = CurveReading.truePositives(ranked, counts: counts, atFalsePositives: Double(k))
          assertClose(
            tp / Double(p), expanded.sensitivity(atFalsePositiveRate: Double(k) / Double(q)) ?? .nan,
            tolerance: 1e-12, "seed \(seed)")
        }
        for k in 0...Int(p) {
          let fp = CurveReading.falsePositives(ranked, counts: counts, atTruePositives: Double(k))
          assertClose(
            1 - fp / Double(q), expanded.specificity(atSensitivity: Double(k) / Double(p)) ?? .nan,
            tolerance: 1e-12, "seed \(seed)")
        }
        assertClose(
          CurveReading.averagePrecision(ranked, counts: counts) ?? .nan, expanded.averagePrecision ?? .nan,
          tolerance: 1e-13, "seed \(seed)")
      }
    }
  }

  func testPrecisionRecallCurveHandWorked() throws {
    let curve = try XCTUnwrap(PrecisionRecallCurve(example))
    // sklearn precision_recall_curve, reversed and without its (recall 0, precision 1) point:
    // thresholds [0.8, 0.4, 0.35, 0.1], precision [1, 0.5, 2/3, 0.5], recall [0.5, 0.5, 1, 1].
    XCTAssertEqual(curve.thresholds, [0.8, 0.4, 0.35, 0.1])
    XCTAssertEqual(curve.precisions, [1, 0.5, 2.0 / 3, 0.5])
    XCTAssertEqual(curve.recalls, [0.5, 0.5, 1, 1])
  }
}

/// The empirical ROC curve built the slow way, for the tests: every distinct threshold swept
/// from the top, every segment examined.
enum CurveOracle {
  static func points(labels: [Bool?], scores: [Double]) -> [(fpr: Double, tpr: Double)] {
    let included = labels.indices.filter { labels[$0] != nil }
    let p = Double(included.filter { labels[$0] == true }.count)
    let q = Double(included.count) - p
    let thresholds = Set(included.map { scores[$0] }).sorted(by: >)
    var points = [(fpr: 0.0, tpr: 0.0)]
    for t in thresholds {
      let called = included.filter { scores[$0] >= t }
      let tp = Double(called.filter { labels[$0] == true }.count)
      points.append(((Double(called.count) - tp) / q, tp / p))
    }
    return points
  }

  /// The largest sensitivity of any segment at `x`.
  static func sensitivity(_ points: [(fpr: Double, tpr: Double)], atFPR x: Double) -> Double {
    var best = -Double.infinity
    for k in 1..<points.count {
      let (a, b) = (points[k - 1], points[k])
      if a.fpr == b.fpr {
        if abs(a.fpr - x) < 1e-12 { best = max(best, a.tpr, b.tpr) }
      } else if a.fpr - 1e-12 <= x && x <= b.fpr + 1e-12 {
        best = max(best, a.tpr + (b.tpr - a.tpr) * (x - a.fpr) / (b.fpr - a.fpr))
      }
    }
    return best
  }

  /// The smallest false-positive rate of any segment at sensitivity `y`.
  static func falsePositiveRate(_ points: [(fpr: Double, tpr: Double)], atTPR y: Double) -> Double {
    var best = Double.infinity
    for k in 1..<points.count {
      let (a, b) = (points[k - 1], points[k])
      if a.tpr == b.tpr {
        if abs(a.tpr - y) < 1e-12 { best = min(best, a.fpr, b.fpr) }
      } else if a.tpr - 1e-12 <= y && y <= b.tpr + 1e-12 {
        best = min(best, a.fpr + (b.fpr - a.fpr) * (y - a.tpr) / (b.tpr - a.tpr))
      }
    }
    return best == .infinity ? 0 : best
  }

  /// Average precision by its definition: sum over thresholds of recall gained x precision.
  static func averagePrecision(labels: [Bool?], scores: [Double]) -> Double {
    let included = labels.indices.filter { labels[$0] != nil }
    let p = Double(included.filter { labels[$0] == true }.count)
    var ap = 0.0
    var lastRecall = 0.0
    for t in Set(included.map { scores[$0] }).sorted(by: >) {
      let called = included.filter { scores[$0] >= t }
      let tp = Double(called.filter { labels[$0] == true }.count)
      ap += (tp / p - lastRecall) * tp / Double(called.count)
      lastRecall = tp / p
    }
    return ap
  }
}
