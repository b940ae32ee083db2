import ChexTestSupport
import XCTest

@testable import ChexStats

/// Expected values: R's pROC via notebooks-export/make_roc_fixtures.py.
final class DeLongTests: XCTestCase {
  func testPairedTestMatchesPROC() throws {
    for d in try ROCReference.load().datasets {
      let a = RankedScores(labels: d.boolLabels, scores: d.a)
      let b = RankedScores(labels: d.boolLabels, scores: d.b)
      let result = try XCTUnwrap(DeLong.compare(a, b))
      let proc = d.proc
      assertClose(result.aurocA, proc["auc1"], tolerance: 1e-13, d.name)
      assertClose(result.aurocB, proc["auc2"], tolerance: 1e-13, d.name)
      assertClose(result.varianceA, proc["var1"], tolerance: 1e-12, d.name)
      assertClose(result.varianceB, proc["var2"], tolerance: 1e-12, d.name)
      assertClose(result.covariance, proc["cov12"], tolerance: 1e-12, d.name)
      assertClose(result.z, proc["z"], tolerance: 1e-9, d.name)
      assertClose(result.p, proc["p"], tolerance: 1e-9, d.name)
      assertClose(result.confidenceInterval.lower, proc["diff_ci_low"], tolerance: 1e-9, d.name)
      assertClose(result.confidenceInterval.upper, proc["diff_ci_high"], tolerance: 1e-9, d.name)
    }
  }

  func testSingleAUROCIntervalMatchesPROC() throws {
    for d in try ROCReference.load().datasets {
      let single = try XCTUnwrap(DeLong.single(RankedScores(labels: d.boolLabels, scores: d.a)))
      assertClose(single.variance, d.proc["var1"], tolerance: 1e-12, d.name)
      assertClose(single.confidenceInterval.lower, d.proc["ci1_low"], tolerance: 1e-9, d.name)
      assertClose(single.confidenceInterval.upper, d.proc["ci1_high"], tolerance: 1e-9, d.name)
    }
  }

  func testIdenticalModelsGiveZeroAndPOne() throws {
    let d = Oracle.data(n: 200, seed: 3)
    let a = RankedScores(labels: d.labels, scores: d.a)
    let result = try XCTUnwrap(DeLong.compare(a, a))
    XCTAssertEqual(result.z, 0)
    XCTAssertEqual(result.p, 1)
    XCTAssertEqual(result.standardError, 0)
  }

  /// Placements computed pair by pair must give the same variance (naive oracle).
  func testVarianceMatchesNaivePlacements() throws {
    let d = Oracle.data(n: 250, seed: 11, tieGrid: 0.1)
    let ranked = RankedScores(labels: d.labels, scores: d.a)
    let pos = d.labels.indices.filter { d.labels[$0] == true }
    let neg = d.labels.indices.filter { d.labels[$0] == false }
    func psi(_ x: Double, _ y: Double) -> Double { x > y ? 1 : (x == y ? 0.5 : 0) }
    let v10 = pos.map { i in neg.reduce(0.0) { $0 + psi(d.a[i], d.a[$1]) } / Double(neg.count) }
    let v01 = neg.map { j in pos.reduce(0.0) { $0 + psi(d.a[$1], d.a[j]) } / Double(pos.count) }
    func variance(_ v: [Double]) -> Double {
      let m = v.reduce(0, +) / Double(v.count)
      return v.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(v.count - 1)
    }
    let expected = variance(v10) / Double(pos.count) + variance(v01) / Double(neg.count)
    assertClose(try XCTUnwrap(DeLong.single(ranked)).variance, expected, tolerance: 1e-14)
  }

  func testTooFewCasesIsUndefined() {
    let ranked = RankedScores(labels: [true, false, false, false], scores: [1, 2, 3, 4])
    XCTAssertNil(DeLong.single(ranked))
    XCTAssertNil(DeLong.compare(ranked, ranked))
  }
}
