import ChexScoring
import XCTest

final class ShardTests: XCTestCase {
  /// Hand-worked: 10 rows in 4 shards are rows 0..<2, 2..<5, 5..<7, 7..<10 (floor(k n / N)).
  func testSlicesAreContiguousDisjointAndCoverTheList() throws {
    let ranges = try (0..<4).map { try Shard(index: $0, count: 4).range(rows: 10) }
    XCTAssertEqual(ranges, [0..<2, 2..<5, 5..<7, 7..<10])
    for rows in [0, 1, 3, 7, 100, 101] {
      for count in [1, 2, 3, 8] {
        let slices = try (0..<count).map { try Shard(index: $0, count: count).range(rows: rows) }
        XCTAssertEqual(slices.first?.lowerBound, 0)
        XCTAssertEqual(slices.last?.upperBound, rows)
        for (a, b) in zip(slices, slices.dropFirst()) { XCTAssertEqual(a.upperBound, b.lowerBound) }
        let sizes = slices.map(\.count)
        XCTAssertLessThanOrEqual(sizes.max()! - sizes.min()!, 1, "\(rows) rows in \(count) shards")
      }
    }
  }

  func testTheOptionWins() throws {
    let shard = try Shard.resolve(option: "2/5", shards: nil, environment: ["SLURM_ARRAY_TASK_ID": "0"])
    XCTAssertEqual(shard, try Shard(index: 2, count: 5))
  }

  func testSlurmArrayVariables() throws {
    let plain = ["SLURM_ARRAY_TASK_ID": "3", "SLURM_ARRAY_TASK_COUNT": "4"]
    XCTAssertEqual(
      try Shard.resolve(option: nil, shards: nil, environment: plain), try Shard(index: 3, count: 4))
    // --array=1-4: ids 1...4 are shards 0...3.
    let fromOne = ["SLURM_ARRAY_TASK_ID": "4", "SLURM_ARRAY_TASK_MIN": "1", "SLURM_ARRAY_TASK_COUNT": "4"]
    XCTAssertEqual(
      try Shard.resolve(option: nil, shards: nil, environment: fromOne), try Shard(index: 3, count: 4))
    // A stepped array cannot be mapped to shards.
    let stepped = ["SLURM_ARRAY_TASK_ID": "6", "SLURM_ARRAY_TASK_MIN": "0", "SLURM_ARRAY_TASK_COUNT": "4"]
    XCTAssertThrowsError(try Shard.resolve(option: nil, shards: nil, environment: stepped)) { error in
      XCTAssertTrue("\(error)".contains("--array=0-3"), "\(error)")
    }
    XCTAssertThrowsError(try Shard.resolve(option: nil, shards: 5, environment: plain)) { error in
      XCTAssertTrue("\(error)".contains("disagrees"), "\(error)")
    }
  }

  func testKubernetesIndexNeedsTheCount() throws {
    let environment = ["JOB_COMPLETION_INDEX": "1"]
    XCTAssertEqual(
      try Shard.resolve(option: nil, shards: 3, environment: environment), try Shard(index: 1, count: 3))
    XCTAssertThrowsError(try Shard.resolve(option: nil, shards: nil, environment: environment)) { error in
      XCTAssertTrue("\(error)".contains("--shards N"), "\(error)")
    }
  }

  func testNothingGivenIsTheWholeList() throws {
    XCTAssertEqual(try Shard.resolve(option: nil, shards: nil, environment: [:]), Shard.whole)
  }

  func testMalformedShardsAreRefusedByName() {
    for (option, words) in [
      ("4/4", "outside 0...3"), ("-1/4", "outside"), ("1/0", "between 1"), ("1-4", "K/N"), ("a/b", "K/N"),
    ] {
      XCTAssertThrowsError(try Shard.resolve(option: option, shards: nil, environment: [:])) { error in
        XCTAssertTrue("\(error)".contains(words), "\(option): \(error)")
      }
    }
    XCTAssertThrowsError(
      try Shard.resolve(option: nil, shards: nil, environment: ["SLURM_ARRAY_TASK_ID": "x"]))
  }

  func testDecodingChecksTheRange() {
    XCTAssertThrowsError(try JSONDecoder().decode(Shard.self, from: Data(#"{"index":4,"count":4}"#.utf8)))
    XCTAssertEqual(
      try JSONDecoder().decode(Shard.self, from: Data(#"{"index":1,"count":4}"#.utf8)),
      try Shard(index: 1, count: 4))
  }
}
