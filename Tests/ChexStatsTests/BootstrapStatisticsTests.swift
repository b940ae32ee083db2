import ChexTestSupport
import XCTest

@testable import ChexStats

/// Statistics evaluated on bootstrap multiplicities reproduce, replicate by replicate, what
/// scikit-learn computed on the same resamples (stored index lists in
/// Fixtures/decisions_reference.json, 200 per data set of n <= 60).
final class BootstrapStatisticsTests: XCTestCase {
  func testReplicateValuesMatchScikitLearnOnStoredResamples() throws {
    var checked = 0
    for d in try DecisionsReference.load().datasets {
      guard let resamples = d.bootstrap_indices else { continue }
      let ranked = RankedScores(labels: d.boolLabels, scores: d.scores)
      let sheet = DecisionSheet(labels: d.boolLabels, decisions: d.boolDecisions)
      let v = d.bootstrap_values
      for (b, indices) in resamples.enumerated() {
        var counts = [UInt32](repeating: 0, count: d.labels.count)
        for i in indices { counts[i] += 1 }
        let (auc, ap, sensAtSpec) = counts.withUnsafeBufferPointer { counts in
          let (p, q) = CurveReading.totals(ranked, counts: counts)
          guard p > 0 && q > 0 else { return (nil as Double?, nil as Double?, nil as Double?) }
          let tp = CurveReading.truePositives(
            ranked, counts: counts, atFalsePositives: (1 - d.bootstrap_target_specificity) * Double(q))
          return (
            Bootstrap.weightedAUROC(ranked, counts: Array(counts)),
            CurveReading.averagePrecision(ranked, counts: counts),
            tp / Double(p)
          )
        }
        let (tp, fp, tn, fn) = counts.withUnsafeBufferPointer { sheet.counts($0) }
        func check(_ mine: Double?, _ reference: Double?, _ what: String) {
          if let reference {
            assertClose(mine ?? .nan, reference, tolerance: 1e-12, "\(d.name) replicate \(b) \(what)")
          } else {
            XCTAssertTrue(
              mine == nil || mine!.isNaN, "\(d.name) replicate \(b) \(what): undefined in the reference")
          }
        }
        check(auc, v.auroc[b], "AUROC")
        check(ap, v.average_precision[b], "average precision")
        check(sensAtSpec, v.sens_at_spec[b], "sensitivity at specificity")
        let table = (Double(tp), Double(fp), Double(tn), Double(fn))
        check(
          BinaryMetric.sensitivity.value(tp: table.0, fp: table.1, tn: table.2, fn: table.3),
          v.sensitivity[b], "sensitivity")
        check(
          BinaryMetric.specificity.value(tp: table.0, fp: table.1, tn: table.2, fn: table.3),
          v.specificity[b], "specificity")
        if let mcc = v.mcc[b] {
          check(BinaryMetric.mcc.value(tp: table.0, fp: table.1, tn: table.2, fn: table.3), mcc, "MCC")
        }
        checked += 1
      }
    }
    XCTAssertGreaterThanOrEqual(checked, 600)
  }

  /// `Bootstrap.evaluate` sees the same resamples as `Bootstrap.aurocs`.
  func testEvaluateDrawsTheResamplesOfAurocs() {
    let d = Oracle.data(n: 90, seed: 31)
    let ranked = RankedScores(labels: d.labels, scores: d.a)
    for stratified in [false, true] {
      let design = BootstrapDesign(replicates: 50, seed: 12, stratified: stratified)
      let boot = Bootstrap.aurocs([[ranked]], design: design, threads: 2)
      let values = Bootstrap.evaluate(
        studyCount: 90, design: design, stratifyingTask: ranked, width: 1, threads: 3
      ) { counts, output in output[0] = Bootstrap.weightedAUROC(ranked, counts: Array(counts)) }
      XCTAssertEqual(values.series(0), boot.series(model: 0, task: 0), "stratified \(stratified)")
    }
  }
}
