import ChexTestSupport
import XCTest

@testable import ChexStats

final class LeaderboardTests: XCTestCase {
  func testRanksShareTies() {
    XCTAssertEqual(Leaderboard.ranks([0.9, 0.8, 0.9]), [1.5, 3, 1.5])
    XCTAssertEqual(Leaderboard.ranks([0.1, 0.2, 0.3, 0.4]), [4, 3, 2, 1])
    XCTAssertNil(Leaderboard.ranks([0.1, .nan]))
  }

  /// 1000 replicate ranks: the interval is sorted entries 24 and 974.
  func testRankIntervalReadsEntries24And974() throws {
    let ranks = (0..<1000).map { Double($0 % 10 + 1) }.shuffled()
    let sorted = ranks.sorted()
    let interval = try XCTUnwrap(Leaderboard.rankInterval(ranks, level: 0.95))
    XCTAssertEqual(interval.lower, sorted[24])
    XCTAssertEqual(interval.upper, sorted[974])
    let hundred = (1...100).map(Double.init)
    let small = try XCTUnwrap(Leaderboard.rankInterval(hundred, level: 0.9))
    XCTAssertEqual(small.lower, 5)  // ceil(100 x 0.05) = 5th smallest
    XCTAssertEqual(small.upper, 95)
  }

  /// Every AUROC, AUPRC, rank and difference interval of a 4-run leaderboard equals what an
  /// independent loop computes on the same resamples, with the O(n^2) AUROC, the definitional
  /// average precision and ranks by counting.
  func testMatchesIndependentLoopOnTheSameResamples() throws {
    let n = 70
    let data = (UInt64(1)...4).map { Oracle.data(n: n, seed: 100 + $0, tieGrid: $0 == 2 ? 0.1 : nil) }
    let labels = [data[0].labels, data[1].labels]  // two tasks
    let scores = data.map { d in [d.a, d.b] }  // run r: its a on task 0, b on task 1
    // Task t's labels are data[t]'s; every run scores both tasks.
    let design = BootstrapDesign(replicates: 60, seed: 99)
    let board = Leaderboard(
      runs: ["r0", "r1", "r2", "r3"], names: ["t0", "t1"], labels: labels, scores: scores, design: design,
      threads: 2)

    var aurocs = [[[Double]]](repeating: [[], []], count: 4)  // [run][task][replicate]
    var precisions = [[[Double]]](repeating: [[], []], count: 4)
    for b in 0..<60 {
      let idx = ResampleOracle.indices(seed: 99, replicate: b, n: n)
      for t in 0..<2 {
        let l = ResampleOracle.pick(labels[t], idx)
        for r in 0..<4 {
          let s = ResampleOracle.pick(scores[r][t], idx)
          let a = Oracle.auroc(labels: l, scores: s) ?? .nan
          aurocs[r][t].append(a)
          precisions[r][t].append(a.isNaN ? .nan : CurveOracle.averagePrecision(labels: l, scores: s))
        }
      }
    }
    for t in 0..<2 {
      let task = board.tasks[t]
      for r in 0..<4 {
        let entry = task.entries[r]
        let (lo, hi) = try XCTUnwrap(ResampleOracle.percentile(aurocs[r][t]))
        assertClose(try XCTUnwrap(entry.auroc.interval?.lower), lo, tolerance: 1e-12)
        assertClose(try XCTUnwrap(entry.auroc.interval?.upper), hi, tolerance: 1e-12)
        let (plo, phi) = try XCTUnwrap(ResampleOracle.percentile(precisions[r][t]))
        assertClose(try XCTUnwrap(entry.averagePrecision.interval?.lower), plo, tolerance: 1e-12)
        assertClose(try XCTUnwrap(entry.averagePrecision.interval?.upper), phi, tolerance: 1e-12)
        // Ranks by counting: 1 + models above + half the others tied.
        let replicateRanks: [Double] = (0..<60).compactMap { b in
          let values = (0..<4).map { aurocs[$0][t][b] }
          if values.contains(where: \.isNaN) { return nil }
          let above = values.filter { $0 > values[r] }.count
          let tied = values.filter { $0 == values[r] }.count - 1
          return 1 + Double(above) + Double(tied) / 2
        }.sorted()
        XCTAssertEqual(
          entry.rankInterval?.lower,
          replicateRanks[Int((0.025 * Double(replicateRanks.count)).rounded(.up)) - 1])
        XCTAssertEqual(
          entry.rankInterval?.upper,
          replicateRanks[Int((0.975 * Double(replicateRanks.count)).rounded(.up)) - 1])
      }
      for pair in task.pairs {
        let d = zip(aurocs[pair.a][t], aurocs[pair.b][t]).map { $0 - $1 }
        let (lo, hi) = try XCTUnwrap(ResampleOracle.percentile(d))
        assertClose(try XCTUnwrap(pair.difference.interval?.lower), lo, tolerance: 1e-12)
        assertClose(try XCTUnwrap(pair.difference.interval?.upper), hi, tolerance: 1e-12)
      }
    }
    // The mean: replicate means of the task AUROCs.
    let mean = try XCTUnwrap(board.mean)
    for r in 0..<4 {
      let series = (0..<60).map { (aurocs[r][0][$0] + aurocs[r][1][$0]) / 2 }
      let (lo, hi) = try XCTUnwrap(ResampleOracle.percentile(series))
      assertClose(try XCTUnwrap(mean.entries[r].auroc.interval?.lower), lo, tolerance: 1e-12)
      assertClose(try XCTUnwrap(mean.entries[r].auroc.interval?.upper), hi, tolerance: 1e-12)
    }
  }

  /// Order by mean AUROC; pairs in that order; Holm across the pairs of each task.
  func testOrderPairsAndHolm() throws {
    let d = Oracle.data(n: 200, seed: 7)
    let e = Oracle.data(n: 200, seed: 8)
    let weak = d.a.enumerated().map { i, x in x * 0.3 + e.a[i] }
    let board = Leaderboard(
      runs: ["weak", "a", "b"], names: ["t"], labels: [d.labels], scores: [[weak], [d.a], [d.b]],
      design: BootstrapDesign(replicates: 200, seed: 3))
    let means = (0..<3).map { board.mean?.entries[$0].auroc.value ?? 0 }
    XCTAssertEqual(board.order, [0, 1, 2].sorted { means[$0] > means[$1] })
    let pairs = board.tasks[0].pairs
    XCTAssertEqual(pairs.map(\.a), [board.order[0], board.order[0], board.order[1]])
    XCTAssertEqual(pairs.map(\.b), [board.order[1], board.order[2], board.order[2]])
    let holm = try MultipleTesting.holm(pairs.map { $0.deLong?.p ?? .nan })
    XCTAssertEqual(pairs.map(\.deLongPHolm), holm)
    // Holm by hand: sorted p's times 3, 2, 1, running maximum, capped at 1.
    let p = pairs.map { $0.bootstrapP ?? .nan }
    let order = p.indices.sorted { p[$0] < p[$1] }
    var running = 0.0
    for (k, i) in order.enumerated() {
      running = max(running, min(1, Double(3 - k) * p[i]))
      XCTAssertEqual(try XCTUnwrap(pairs[i].bootstrapPHolm), running, accuracy: 1e-15)
    }
  }

  /// With two runs, a second route: ModelComparison's numbers on the same design.
  func testTwoRunsAgreeWithModelComparison() throws {
    let d = Oracle.data(n: 150, seed: 21, tieGrid: 0.05)
    let design = BootstrapDesign(replicates: 300, seed: 5)
    let board = Leaderboard(
      runs: ["a", "b"], names: ["t"], labels: [d.labels], scores: [[d.a], [d.b]], design: design)
    let comparison = ModelComparison(
      names: ["t"], labels: [d.labels], scoresA: [d.a], scoresB: [d.b], design: design)
    let pair = try XCTUnwrap(board.tasks[0].pairs.first)
    let sign: Double = pair.a == 0 ? 1 : -1
    let task = comparison.tasks[0]
    XCTAssertEqual(board.tasks[0].entries[0].auroc, task.aurocA)
    XCTAssertEqual(board.tasks[0].entries[1].auroc, task.aurocB)
    XCTAssertEqual(
      try XCTUnwrap(pair.difference.value) * sign, try XCTUnwrap(task.difference.value), accuracy: 1e-15)
    XCTAssertEqual(pair.bootstrapP, task.bootstrapP)
    XCTAssertEqual(pair.deLong?.p ?? .nan, task.deLong?.p ?? .nan, accuracy: 1e-15)
  }

  func testSameSeedSameBoardOnAnyThreadCount() {
    let d = Oracle.data(n: 120, seed: 2)
    let scores = [[d.a], [d.b], [d.a.map { $0 * $0 }]]
    let design = BootstrapDesign(replicates: 101, seed: 8)
    let one = Leaderboard(
      runs: ["a", "b", "c"], names: ["t"], labels: [d.labels], scores: scores, design: design, threads: 1)
    let four = Leaderboard(
      runs: ["a", "b", "c"], names: ["t"], labels: [d.labels], scores: scores, design: design, threads: 4)
    for r in 0..<3 {
      XCTAssertEqual(one.tasks[0].entries[r].auroc, four.tasks[0].entries[r].auroc)
      XCTAssertEqual(one.tasks[0].entries[r].averagePrecision, four.tasks[0].entries[r].averagePrecision)
      XCTAssertEqual(one.tasks[0].entries[r].rankInterval, four.tasks[0].entries[r].rankInterval)
    }
  }

  /// A task with one class has no AUROC, no rank, and stays out of the mean.
  func testOneClassTaskIsLeftOut() {
    let d = Oracle.data(n: 40, seed: 3)
    let allPositive = d.labels.map { $0.map { _ in true } }
    let board = Leaderboard(
      runs: ["a", "b"], names: ["t", "one"], labels: [d.labels, allPositive],
      scores: [[d.a, d.a], [d.b, d.b]],
      design: BootstrapDesign(replicates: 20, seed: 1))
    XCTAssertNil(board.tasks[1].entries[0].auroc.value)
    XCTAssertNil(board.tasks[1].entries[0].rank)
    XCTAssertEqual(board.mean?.tasks, ["t"])
  }
}
