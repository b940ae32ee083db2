import XCTest

@testable import ChexStats

final class ConfidenceIntervalTests: XCTestCase {
  func testContainsIsClosed() {
    let ci = ConfidenceInterval(lower: 0.25, upper: 0.75, level: 0.95)
    XCTAssertTrue(ci.contains(0.25))
    XCTAssertTrue(ci.contains(0.75))
    XCTAssertFalse(ci.contains(0.7500001))
  }
}
