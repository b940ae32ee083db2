import ChexScoring
import XCTest

final class ShardTests: XCTestCase {
  /// Hand-worked: 10 rows in 4 shards are rows 0..<2, 2..<5, 5..<7, 7..<10 (floor(k n / N)).
  func testSlicesAreContiguousDisjointAndCoverTheList() throws {
    let ranges = try (0..<4).map { try Shard(index: $0, count: 4).range(rows: 10) }
    XCTAssertEqual(ranges, [0..<2, 2..<5, 5..<7, 7..<10])
  }
}
