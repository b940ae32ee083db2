import ChexTestSupport
import XCTest

@testable import ChexStats

final class ExperimentAnalysisTests: XCTestCase {
  /// Two architectures, pretrained and random, two seeds each, plus two truncated variants of A:
  /// one with the full model's scores (no drop), one with scores that ignore the label.
  static func experiment() -> (runs: [ExperimentAnalysis.Model], labels: [[Bool?]], scores: [[[Double]]]) {
    let n = 200
    var rng = SeededGenerator(seed: 42)
    func uniform() -> Double { rng.uniform() }
    let labels: [[Bool?]] = (0..<2).map { _ in (0..<n).map { _ in uniform() < 0.3 } }
    func scores(strength: Double) -> [[Double]] {
      labels.map { task in task.map { ($0 == true ? strength : 0) + uniform() } }
    }
    var runs: [ExperimentAnalysis.Model] = []
    var all: [[[Double]]] = []
    for (architecture, family, parameters) in [("A", "F1", 1e6), ("B", "F2", 4e6)] {
      for pretrained in [true, false] {
        for seed in 1...2 {
          runs.append(
            .init(
              name: "\(architecture)-\(pretrained)-\(seed)", architecture: architecture,
              family: family, pretrained: pretrained, seed: seed, parameters: parameters,
              imagenetTop1: 70))
          all.append(scores(strength: pretrained ? 0.6 : 0.3))
        }
      }
    }
    // A cut by 1 block: the same scores as A's pretrained seed 1 (no drop at all).
    runs.append(
      .init(
        name: "A-cut1", architecture: "A", family: "F1", pretrained: true, truncatedBlocks: 1,
        parameters: 5e5))
    all.append(all[0])
    // A cut by 2 blocks: scores unrelated to the labels (a clear drop).
    runs.append(
      .init(
        name: "A-cut2", architecture: "A", family: "F1", pretrained: true, truncatedBlocks: 2,
        parameters: 1e5))
    all.append(labels.map { task in task.map { _ in uniform() } })
    return (runs, labels, all)
  }

  func testConfigurationsBoostAndTruncation() throws {
    let s = Self.experiment()
    let design = BootstrapDesign(replicates: 300, seed: 9)
    let analysis = ExperimentAnalysis(
      models: s.runs, tasks: ["T1", "T2"], labels: s.labels, scores: s.scores, design: design,
      threads: 2)
    // Run means: the mean of the task AUROCs, computed independently with the oracle.
    for (r, result) in analysis.runs.enumerated() {
      let expected = (0..<2).map { t in Oracle.auroc(labels: s.labels[t], scores: s.scores[r][t]) ?? .nan }
      XCTAssertEqual(result.mean.value ?? .nan, (expected[0] + expected[1]) / 2, accuracy: 1e-14)
    }
    // Configurations: A pretrained, A cut 1, A cut 2, A random, B pretrained, B random.
    XCTAssertEqual(
      analysis.configurations.map { "\($0.key.architecture)\($0.key.pretrained)\($0.key.truncatedBlocks)" },
      ["Atrue0", "Atrue1", "Atrue2", "Afalse0", "Btrue0", "Bfalse0"])
    let aPre = analysis.configurations[0]
    let seedMeans = aPre.runs.map { analysis.runs[$0].mean.value ?? .nan }
    XCTAssertEqual(aPre.mean.value ?? .nan, (seedMeans[0] + seedMeans[1]) / 2, accuracy: 1e-15)
    XCTAssertEqual(
      aPre.seedStandardDeviation ?? .nan, abs(seedMeans[0] - seedMeans[1]) / 2.0.squareRoot(),
      accuracy: 1e-15)
    // The seed-averaged replicates are the mean of the runs' replicate means on shared resamples.
    let boot = Bootstrap.aurocs(
      s.runs.indices.map { r in (0..<2).map { RankedScores(labels: s.labels[$0], scores: s.scores[r][$0]) } },
      design: design, threads: 1)
    for b in [0, 17, 299] {
      let runMeans = aPre.runs.map { r in
        (boot.value(replicate: b, model: r, task: 0) + boot.value(replicate: b, model: r, task: 1)) / 2
      }
      XCTAssertEqual(aPre.replicates[b], (runMeans[0] + runMeans[1]) / 2, accuracy: 1e-15)
    }
    // Boost: pretrained minus random, with an interval that excludes 0 (strength 0.6 vs 0.3).
    let rowA = analysis.architectures[0]
    XCTAssertEqual(
      rowA.boost?.value ?? .nan,
      (analysis.configurations[0].mean.value ?? .nan) - (analysis.configurations[3].mean.value ?? .nan),
      accuracy: 1e-15)
    XCTAssertGreaterThan(rowA.boost?.interval?.lower ?? -1, 0)
    // Holm over the two architectures' boost p-values, worked by hand: the smaller p times 2,
    // the larger p kept but never below the first; both capped at 1.
    let pA = try XCTUnwrap(rowA.boostP)
    let pB = try XCTUnwrap(analysis.architectures[1].boostP)
    let holmSmaller = min(1, 2 * min(pA, pB))
    let holmLarger = min(1, max(holmSmaller, max(pA, pB)))
    XCTAssertEqual(try XCTUnwrap(rowA.boostPHolm), pA <= pB ? holmSmaller : holmLarger)
    XCTAssertEqual(try XCTUnwrap(analysis.architectures[1].boostPHolm), pB < pA ? holmSmaller : holmLarger)
    // Truncation: cut 1 is identical to seed 1 only, so its difference from the seed average is
    // small; cut 2 drops to chance.
    XCTAssertEqual(analysis.truncation.count, 2)
    XCTAssertFalse(analysis.truncation[0].significantDrop)
    XCTAssertTrue(analysis.truncation[1].significantDrop)
    XCTAssertEqual(analysis.truncation[0].parameterRatio ?? .nan, 2, accuracy: 1e-15)
    XCTAssertEqual(analysis.efficiency.first?.truncatedBlocks, 1)
    XCTAssertEqual(analysis.meanEfficiency ?? .nan, 2, accuracy: 1e-15)
  }

  func testSameSeedSameAnalysisOnAnyThreadCount() {
    let s = Self.experiment()
    let design = BootstrapDesign(replicates: 64, seed: 3)
    let one = ExperimentAnalysis(
      models: s.runs, tasks: ["T1", "T2"], labels: s.labels, scores: s.scores, design: design, threads: 1)
    let two = ExperimentAnalysis(
      models: s.runs, tasks: ["T1", "T2"], labels: s.labels, scores: s.scores, design: design, threads: 2)
    XCTAssertEqual(one.configurationReplicates, two.configurationReplicates)
  }

  func testMissingTwinIsAGap() {
    let s = Self.experiment()
    let keep = s.runs.indices.filter { !(s.runs[$0].architecture == "B" && !s.runs[$0].pretrained) }
    let analysis = ExperimentAnalysis(
      models: keep.map { s.runs[$0] }, tasks: ["T1", "T2"], labels: s.labels,
      scores: keep.map { s.scores[$0] }, design: BootstrapDesign(replicates: 20, seed: 1))
    XCTAssertNil(analysis.architectures[1].boost)
    XCTAssertEqual(analysis.gaps, [.noRandomTwin(architecture: "B")])
    XCTAssertEqual(
      analysis.gaps.map(\.description), ["B: pretrained runs but no random-init twin; no boost."])
  }
}
