import ChexTestSupport
import XCTest

@testable import ChexStats

final class DecisionAnalysisTests: XCTestCase {
  /// Every metric's interval and every pairwise difference's interval equal the percentiles of
  /// the metric recomputed from scratch on the same resamples.
  func testMatchesIndependentLoopOnTheSameResamples() throws {
    let n = 80
    let d = Oracle.data(n: n, seed: 41)
    let a = d.a.map { $0 > 0.8 }
    let b = d.b.map { $0 > 0.7 }
    let design = BootstrapDesign(replicates: 70, seed: 6)
    let analysis = DecisionAnalysis(
      names: ["a", "b"], tasks: ["t"], labels: [d.labels], decisions: [[a], [b]], design: design, threads: 2)
    func table(_ labels: [Bool?], _ decisions: [Bool]) -> ConfusionCounts {
      var tp = 0
      var fp = 0
      var tn = 0
      var fn = 0
      for (l, x) in zip(labels, decisions) {
        switch (l, x) {
        case (true?, true): tp += 1
        case (true?, false): fn += 1
        case (false?, true): fp += 1
        case (false?, false): tn += 1
        default: break
        }
      }
      return ConfusionCounts(truePositives: tp, falsePositives: fp, trueNegatives: tn, falseNegatives: fn)
    }
    var series: [[[Double]]] = [[], []]  // [entry][metric][replicate]
    series = [BinaryMetric.allCases.map { _ in [] }, BinaryMetric.allCases.map { _ in [] }]
    for rep in 0..<70 {
      let idx = ResampleOracle.indices(seed: 6, replicate: rep, n: n)
      let labels = ResampleOracle.pick(d.labels, idx)
      for (e, decisions) in [a, b].enumerated() {
        let t = table(labels, ResampleOracle.pick(decisions, idx))
        for (k, metric) in BinaryMetric.allCases.enumerated() { series[e][k].append(t.value(metric) ?? .nan) }
      }
    }
    for (k, metric) in BinaryMetric.allCases.enumerated() {
      for e in 0..<2 {
        let estimate = analysis.tasks[0].entries[e].metrics[k]
        XCTAssertEqual(estimate.value, table(d.labels, [a, b][e]).value(metric))
        let (lo, hi) = try XCTUnwrap(ResampleOracle.percentile(series[e][k]))
        XCTAssertEqual(estimate.interval?.lower ?? .nan, lo, accuracy: 1e-12, "\(metric)")
        XCTAssertEqual(estimate.interval?.upper ?? .nan, hi, accuracy: 1e-12, "\(metric)")
      }
      let pair = analysis.tasks[0].pairs[0]
      let diff = zip(series[0][k], series[1][k]).map { $0 - $1 }
      let (lo, hi) = try XCTUnwrap(ResampleOracle.percentile(diff))
      XCTAssertEqual(pair.differences[k].interval?.lower ?? .nan, lo, accuracy: 1e-12, "\(metric)")
      XCTAssertEqual(pair.differences[k].interval?.upper ?? .nan, hi, accuracy: 1e-12, "\(metric)")
    }
    let counts = analysis.tasks[0].entries[0].counts
    XCTAssertEqual(
      analysis.tasks[0].entries[0].sensitivityWilson,
      .wilson(successes: counts.truePositives, trials: counts.positives))
  }
}
