import ChexImaging
import ChexScoring
import XCTest

final class MergeTests: XCTestCase {
  func record(shard: (Int, Int)?, rows: Int = 5, images: Int, failures: Int = 0, sha: String = "m") throws
    -> ScoreRecord
  {
    let range = try shard.map { (index, count) in
      let value = try Shard(index: index, count: count)
      return ScoreRecord.ShardRange(shard: value, rows: value.range(rows: rows))
    }
    return ScoreRecord(
      name: nil, architecture: nil, family: nil, pretrained: nil, truncatedBlocks: nil, seed: nil,
      parameters: 10,
      model: "m.onnx", modelSHA256: sha, models: [.init(path: "m.onnx", sha256: sha, parameters: 10)],
      ensemble: nil,
      inputShape: [3, 320, 320], preprocessing: .chexpert, outputs: .logits, labelNames: ["t"],
      list: .init(path: "l.csv", imagesRoot: "r", sha256: "l", rows: rows), shard: range, images: images,
      failures: failures, chexstatsVersion: "0", host: "h\(shard?.0 ?? 0)", threads: 1, batch: 1,
      wallSeconds: 2,
      imagesPerSecond: 1)
  }

  func run(_ folder: String, _ record: ScoreRecord, _ rows: [String], failures: [String]? = nil)
    -> Merge.ShardRun
  {
    Merge.ShardRun(
      folder: folder, record: record, predictions: Array(("Path,t\n" + rows.map { $0 + "\n" }.joined()).utf8),
      failures: failures.map { Array(("Path,reason\n" + $0.map { $0 + "\n" }.joined()).utf8) })
  }

  /// 5 rows in 3 shards (rows 0..<1, 1..<3, 3..<5), given out of order, with a failure in one.
  func testShardsInAnyOrderJoinAsTheWholeRun() throws {
    let shards = [
      run("s2", try record(shard: (2, 3), images: 2), ["d,4.0", "e,5.0"]),
      run("s0", try record(shard: (0, 3), images: 1), ["a,1.0"]),
      run("s1", try record(shard: (1, 3), images: 1, failures: 1), ["c,3.0"], failures: ["b,truncated"]),
    ]
    let merged = try Merge.merge(shards)
    XCTAssertEqual(
      String(decoding: merged.predictions, as: UTF8.self), "Path,t\na,1.0\nc,3.0\nd,4.0\ne,5.0\n")
    XCTAssertEqual(merged.failures.map { String(decoding: $0, as: UTF8.self) }, "Path,reason\nb,truncated\n")
    XCTAssertNil(merged.record.shard)
    XCTAssertEqual(merged.record.images, 4)
    XCTAssertEqual(merged.record.failures, 1)
    XCTAssertEqual(merged.record.wallSeconds, 6)
    XCTAssertEqual(merged.record.host, "h2, h0, h1".split(separator: ",").count == 3 ? "h0, h1, h2" : "")
  }

  func testOverlapsGapsAndStrangersAreRefused() throws {
    let s0 = run("s0", try record(shard: (0, 2), images: 2), ["a,1", "b,2"])
    let s1 = run("s1", try record(shard: (1, 2), images: 3), ["c,3", "d,4", "e,5"])
    let cases: [([Merge.ShardRun], String)] = [
      ([s0, s1, s0], "both shard 0/2 (overlap)"),
      ([s1], "shard 0/2 missing (gap)"),
      (
        [s0, run("x", try record(shard: (1, 2), images: 3, sha: "other"), ["c,3", "d,4", "e,5"])],
        "differ in their models"
      ),
      ([s0, run("y", try record(shard: (1, 3), images: 3), [])], "differ in their shard counts"),
      ([s0, run("w", try record(shard: nil, images: 5), [])], "is a whole run, not a shard"),
      (
        [s0, run("z", try record(shard: (1, 2), images: 3), ["c,3", "d,4"])],
        "has 2 rows but its run.json counts 3"
      ),
      ([], "no shard folders"),
    ]
    for (shards, words) in cases {
      XCTAssertThrowsError(try Merge.merge(shards)) { error in
        XCTAssertTrue("\(error)".contains(words), "expected '\(words)': \(error)")
      }
    }
  }
}
