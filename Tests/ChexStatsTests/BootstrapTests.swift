import ChexTestSupport
import XCTest

@testable import ChexStats

final class BootstrapTests: XCTestCase {
  /// The O(n) weighted AUROC equals the O(n^2) oracle with the same multiplicities.
  func testWeightedAUROCMatchesOracle() {
    var rng = Xoshiro256StarStar(seed: 5)
    for seed in UInt64(1)...10 {
      let d = Oracle.data(n: 120, seed: seed, tieGrid: seed.isMultiple(of: 2) ? 0.1 : nil)
      let counts = (0..<120).map { _ in UInt32(rng.next(below: 4)) }
      let ranked = RankedScores(labels: d.labels, scores: d.a)
      let fast = Bootstrap.weightedAUROC(ranked, counts: counts)
      let slow = Oracle.auroc(labels: d.labels, scores: d.a, weights: counts.map { Int($0) })
      assertClose(fast, slow, tolerance: 1e-14, "seed \(seed)")
    }
  }

  /// Each replicate equals the oracle AUROC of the resample drawn from the same stream.
  func testReplicateIsTheAUROCOfItsResample() {
    let d = Oracle.data(n: 80, seed: 9)
    let ranked = RankedScores(labels: d.labels, scores: d.a)
    let design = BootstrapDesign(replicates: 5, seed: 77)
    let boot = Bootstrap.aurocs([[ranked]], design: design, threads: 1)
    for b in 0..<5 {
      var rng = Xoshiro256StarStar(seed: 77, stream: UInt64(b))
      var counts = [Int](repeating: 0, count: 80)
      for _ in 0..<80 { counts[Int(rng.next(below: 80))] += 1 }
      assertClose(
        boot.value(replicate: b, model: 0, task: 0),
        Oracle.auroc(labels: d.labels, scores: d.a, weights: counts), tolerance: 1e-14)
    }
  }

  func testSameSeedSameResultOnAnyThreadCount() {
    let d = Oracle.data(n: 300, seed: 4)
    let e = Oracle.data(n: 300, seed: 5)
    let ranked = [
      [RankedScores(labels: d.labels, scores: d.a), RankedScores(labels: e.labels, scores: e.a)],
      [RankedScores(labels: d.labels, scores: d.b), RankedScores(labels: e.labels, scores: e.b)],
    ]
    let design = BootstrapDesign(replicates: 101, seed: 123)
    let one = Bootstrap.aurocs(ranked, design: design, threads: 1)
    for threads in [2, 3, 8] {
      let many = Bootstrap.aurocs(ranked, design: design, threads: threads)
      XCTAssertEqual(one.values, many.values, "\(threads) threads")
    }
    let other = Bootstrap.aurocs(ranked, design: BootstrapDesign(replicates: 101, seed: 124))
    XCTAssertNotEqual(one.values, other.values)
  }

  /// Percentile intervals against pROC's `ci.auc(method = "bootstrap")` with 20,000 replicates
  /// on both sides. Monte-Carlo standard error of each bound is about 0.001 here, so the
  /// tolerance 0.005 is about 3.5 standard errors of the difference.
  func testPercentileIntervalsAgreeWithPROCWithinMonteCarloError() throws {
    let reference = try ROCReference.load()
    for d in reference.datasets where d.labels.count >= 100 && d.labels.count <= 500 {
      let ranked = RankedScores(labels: d.boolLabels, scores: d.a)
      for stratified in [false, true] {
        let design = BootstrapDesign(
          replicates: reference.bootstrap_replicates, seed: 99, stratified: stratified)
        let boot = Bootstrap.aurocs([[ranked]], design: design)
        let estimate = Estimate(replicates: boot.series(model: 0, task: 0), level: 0.95)
        let interval = try XCTUnwrap(estimate.interval)
        let key = stratified ? "strat" : "boot"
        assertClose(interval.lower, d.proc["\(key)_ci1_low"], tolerance: 0.005, "\(d.name) \(key)")
        assertClose(interval.upper, d.proc["\(key)_ci1_high"], tolerance: 0.005, "\(d.name) \(key)")
      }
    }
  }

  /// The spread of paired differences against pROC's paired bootstrap (`cov(boot.return=TRUE)`):
  /// relative Monte-Carlo error about 0.5 % at 20,000 replicates; tolerance 3 %.
  func testPairedDifferenceSpreadAgreesWithPROC() throws {
    let reference = try ROCReference.load()
    for d in reference.datasets where d.labels.count >= 100 && d.labels.count <= 500 {
      let a = RankedScores(labels: d.boolLabels, scores: d.a)
      let b = RankedScores(labels: d.boolLabels, scores: d.b)
      let boot = Bootstrap.aurocs(
        [[a], [b]], design: BootstrapDesign(replicates: reference.bootstrap_replicates, seed: 7))
      let diffs = zip(boot.series(model: 0, task: 0), boot.series(model: 1, task: 0)).map { $0 - $1 }
      let sd = try XCTUnwrap(Estimate(replicates: diffs, level: 0.95).standardError)
      let expected = try XCTUnwrap(d.proc["boot_diff_sd"])
      XCTAssertEqual(sd / expected, 1, accuracy: 0.03, d.name)
    }
  }

  func testStratifiedKeepsClassCounts() {
    let labels: [Bool?] = [true, true, false, false, false, nil]
    let ranked = RankedScores(labels: labels, scores: [0.9, 0.2, 0.5, 0.1, 0.3, 0.0])
    let boot = Bootstrap.aurocs(
      [[ranked]], design: BootstrapDesign(replicates: 200, seed: 1, stratified: true))
    // With both classes always present, no replicate is undefined.
    XCTAssertFalse(boot.series(model: 0, task: 0).contains { $0.isNaN })
  }

  func testOneClassReplicatesAreSkippedAndCounted() {
    // Two studies, one positive: about half the replicates lack a class.
    let ranked = RankedScores(labels: [true, false], scores: [0.9, 0.1])
    let boot = Bootstrap.aurocs([[ranked]], design: BootstrapDesign(replicates: 400, seed: 3))
    let estimate = Estimate(replicates: boot.series(model: 0, task: 0), level: 0.95)
    XCTAssertGreaterThan(estimate.replicatesUsed, 120)
    XCTAssertLessThan(estimate.replicatesUsed, 280)
    XCTAssertEqual(estimate.interval, ConfidenceInterval(lower: 1, upper: 1, level: 0.95))
  }
}

final class EstimateTests: XCTestCase {
  /// numpy.quantile(x, q) (method "linear") on x = [3, 1, 4, 1, 5, 9, 2, 6]:
  /// q = 0.025 -> 1.0, q = 0.3 -> 2.1, q = 0.975 -> 8.475 (hand-checked: h = 7 q).
  func testType7Quantiles() {
    let sorted = [3.0, 1, 4, 1, 5, 9, 2, 6].sorted()
    XCTAssertEqual(quantileType7(sorted: sorted, 0.025), 1.0, accuracy: 1e-15)
    XCTAssertEqual(quantileType7(sorted: sorted, 0.3), 2.1, accuracy: 1e-15)
    XCTAssertEqual(quantileType7(sorted: sorted, 0.975), 8.475, accuracy: 1e-14)
    XCTAssertEqual(quantileType7(sorted: sorted, 1), 9)
  }

  func testNaNReplicatesAreSkipped() {
    let estimate = Estimate(replicates: [.nan, 0.5, .nan, 0.7], level: 0.9)
    XCTAssertEqual(estimate.replicatesUsed, 2)
    XCTAssertEqual(estimate.interval?.lower ?? 0, 0.51, accuracy: 1e-15)
    XCTAssertEqual(estimate.interval?.upper ?? 0, 0.69, accuracy: 1e-15)
  }

  /// Hand-worked: 9 differences, 2 at or below 0 -> p = 2 (1 + 2) / 10 = 0.6.
  func testBootstrapPValue() {
    XCTAssertEqual(bootstrapPValue(differences: [-0.1, 0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7]), 0.6)
    XCTAssertEqual(bootstrapPValue(differences: [0, 0, 0]), 1)
    XCTAssertEqual(bootstrapPValue(differences: [0.1, 0.2, 0.3]), 0.5)
    XCTAssertNil(bootstrapPValue(differences: [.nan]))
  }
}
