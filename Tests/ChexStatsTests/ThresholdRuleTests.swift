import XCTest

@testable import ChexStats

/// Threshold choices worked by hand on ten studies: scores 0.1 ... 1.0, positives at
/// 0.4, 0.7, 0.8, 0.9, 1.0 (5 positives, 5 negatives).
final class ThresholdRuleTests: XCTestCase {
  let ranked = RankedScores(
    labels: [false, false, false, true, false, false, true, true, true, true],
    scores: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0])

  func testYoudenPicksTheBestPoint() {
    // >= 0.7 calls 0.7 ... 1.0, four positives: TPR 0.8, FPR 0, J = 0.8 (the maximum);
    // >= 0.4 calls 0.4 ... 1.0: TPR 1, FPR 0.4, J = 0.6.
    XCTAssertEqual(ThresholdRule.youden.threshold(on: ranked), 0.7)
  }

  func testSensitivityTarget() {
    // The highest threshold reaching sensitivity 0.8 is 0.7; reaching 1.0 is 0.4.
    XCTAssertEqual(ThresholdRule.sensitivity(0.8).threshold(on: ranked), 0.7)
    XCTAssertEqual(ThresholdRule.sensitivity(0.81).threshold(on: ranked), 0.4)
    XCTAssertEqual(ThresholdRule.sensitivity(1).threshold(on: ranked), 0.4)
    XCTAssertEqual(ThresholdRule.sensitivity(0).threshold(on: ranked), .infinity)
  }

  func testSpecificityTarget() {
    // Specificity 1 holds down to 0.7; 0.8 (4 of 5 negatives) down to 0.6; 0.6 down to 0.4
    // (0.4 is a positive, so it calls no further negative).
    XCTAssertEqual(ThresholdRule.specificity(1).threshold(on: ranked), 0.7)
    XCTAssertEqual(ThresholdRule.specificity(0.8).threshold(on: ranked), 0.6)
    XCTAssertEqual(ThresholdRule.specificity(0.6).threshold(on: ranked), 0.4)
    XCTAssertEqual(ThresholdRule.specificity(0).threshold(on: ranked), 0.1)
  }

  func testFixedAndUndefined() {
    XCTAssertEqual(ThresholdRule.value(0.42).threshold(on: ranked), 0.42)
    XCTAssertNil(ThresholdRule.youden.threshold(on: RankedScores(labels: [true], scores: [0.3])))
    XCTAssertFalse(ThresholdRule.value(1).isChosenFromData)
    XCTAssertTrue(ThresholdRule.youden.isChosenFromData)
  }
}
