import ChexTestSupport
import XCTest

@testable import ChexStats

final class ReaderComparisonTests: XCTestCase {
  /// On scikit-learn's example curve (points (0,0), (0,.5), (.5,.5), (.5,1), (1,1)): a reader at
  /// (FPR .5, TPR .5) is below (the curve reaches 1 there); a reader at (0, .5) is on it.
  func testHandWorkedBelowAndOn() throws {
    let labels: [Bool?] = [false, false, true, true]
    let scores = [0.1, 0.4, 0.35, 0.8]
    // Reader 1 calls study 1 (negative) and 2 (positive): FPR 0.5, TPR 0.5. Reader 2 calls
    // study 3 only: FPR 0, TPR 0.5.
    let reads = [[[false, true, true, false]], [[false, false, false, true]]]
    let c = ReaderComparison(
      runs: ["m"], readers: ["r1", "r2"], names: ["t"], labels: [labels], scores: [[scores]], reads: reads,
      design: BootstrapDesign(replicates: 10, seed: 1))
    let run = try XCTUnwrap(c.tasks[0].runs?[0])
    XCTAssertTrue(run.readers[0].below)
    XCTAssertFalse(run.readers[1].below)
    XCTAssertEqual(run.readersBelow.value, 1)
    XCTAssertEqual(run.readers[0].sensitivityAtReaderSpecificity.value, 1)
    XCTAssertEqual(run.readers[0].sensitivityDifference.value, 0.5)
    // Model specificity at sensitivity .5 is 1; the reader's is .5.
    XCTAssertEqual(run.readers[0].specificityAtReaderSensitivity.value, 1)
    XCTAssertEqual(run.readers[0].specificityDifference.value, 0.5)
    // Readers' mean: TPR .5, FPR .25: the curve is at .5 there (on the horizontal segment).
    XCTAssertFalse(run.readerMean.below)
    XCTAssertEqual(c.tasks[0].readerMeanSensitivity.value, 0.5)
    XCTAssertEqual(c.tasks[0].readerMeanSpecificity.value, 0.75)
  }

  /// Below-the-curve and the count of readers below, against the slow segment oracle, on
  /// random data, in the full sample and in every replicate (via the intervals, which equal the
  /// percentiles of the oracle's replicate values on the same resamples).
  func testMatchesOracleOnRandomReaders() throws {
    let n = 60
    for seed in UInt64(1)...6 {
      let d = Oracle.data(n: n, seed: seed, tieGrid: seed.isMultiple(of: 2) ? 0.1 : nil)
      var rng = SeededGenerator(seed: seed + 50)
      // Readers: noisy copies of the labels.
      let reads: [[[Bool]]] = (0..<3).map { _ in
        [d.labels.map { label in rng.uniform() < 0.8 ? (label ?? false) : rng.uniform() < 0.5 }]
      }
      let design = BootstrapDesign(replicates: 40, seed: seed)
      let c = ReaderComparison(
        runs: ["a", "b"], readers: ["r0", "r1", "r2"], names: ["t"], labels: [d.labels],
        scores: [[d.a], [d.b]],
        reads: reads, design: design, threads: 2)
      func evaluate(_ labels: [Bool?], _ scores: [Double], _ reads: [[Bool]]) -> (
        below: [Bool], sens: [Double]
      )? {
        let p = Double(labels.filter { $0 == true }.count)
        let q = Double(labels.filter { $0 == false }.count)
        guard p > 0 && q > 0 else { return nil }
        let points = CurveOracle.points(labels: labels, scores: scores)
        var below: [Bool] = []
        var sens: [Double] = []
        for r in reads {
          let tpr = Double(labels.indices.filter { labels[$0] == true && r[$0] }.count) / p
          let fpr = Double(labels.indices.filter { labels[$0] == false && r[$0] }.count) / q
          let curve = CurveOracle.sensitivity(points, atFPR: fpr)
          below.append(tpr < curve - 1e-12)
          sens.append(curve)
        }
        return (below, sens)
      }
      for (r, scores) in [d.a, d.b].enumerated() {
        let full = try XCTUnwrap(evaluate(d.labels, scores, reads.map { $0[0] }))
        let run = try XCTUnwrap(c.tasks[0].runs?[r])
        XCTAssertEqual(run.readers.map(\.below), full.below, "seed \(seed) run \(r)")
        XCTAssertEqual(run.readersBelow.value, Double(full.below.filter { $0 }.count))
        for k in 0..<3 {
          assertClose(
            try XCTUnwrap(run.readers[k].sensitivityAtReaderSpecificity.value), full.sens[k], tolerance: 1e-12
          )
        }
        var counts: [Double] = []
        var sensAtSpec: [Double] = []
        for b in 0..<40 {
          let idx = ResampleOracle.indices(seed: seed, replicate: b, n: n)
          let result = evaluate(
            ResampleOracle.pick(d.labels, idx), ResampleOracle.pick(scores, idx),
            reads.map { ResampleOracle.pick($0[0], idx) })
          counts.append(result.map { Double($0.below.filter { $0 }.count) } ?? .nan)
          sensAtSpec.append(result?.sens[0] ?? .nan)
        }
        let (lo, hi) = try XCTUnwrap(ResampleOracle.percentile(counts))
        XCTAssertEqual(run.readersBelow.interval?.lower ?? .nan, lo, accuracy: 1e-12)
        XCTAssertEqual(run.readersBelow.interval?.upper ?? .nan, hi, accuracy: 1e-12)
        let (slo, shi) = try XCTUnwrap(ResampleOracle.percentile(sensAtSpec))
        XCTAssertEqual(
          run.readers[0].sensitivityAtReaderSpecificity.interval?.lower ?? .nan, slo, accuracy: 1e-12)
        XCTAssertEqual(
          run.readers[0].sensitivityAtReaderSpecificity.interval?.upper ?? .nan, shi, accuracy: 1e-12)
      }
    }
  }
}
