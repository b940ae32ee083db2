import XCTest

@testable import ChexStats

/// Expected values: notebooks-export/xoshiro_reference.py (plain Python integers).
final class XoshiroTests: XCTestCase {
  func testReferenceVectorFromRawState() {
    var rng = Xoshiro256StarStar(state: (1, 2, 3, 4))
    XCTAssertEqual(
      (0..<4).map { _ in rng.next() }, [11520, 0, 1_509_978_240, 1_215_971_899_390_074_240])
  }

  func testSeedingThroughSplitMix() {
    var rng = Xoshiro256StarStar(seed: 2021)
    XCTAssertEqual(
      (0..<3).map { _ in rng.next() },
      [17_732_381_211_534_138_305, 6_363_412_185_759_774_900, 9_318_976_926_791_017_442])
    var stream = Xoshiro256StarStar(seed: 2021, stream: 7)
    XCTAssertEqual(
      (0..<2).map { _ in stream.next() }, [18_117_968_334_278_769_299, 6_073_161_220_972_892_282])
  }

  /// Bounded draws stay in range and are roughly uniform (chi-squared well below the 0.1 %
  /// critical value 27.9 for 9 degrees of freedom).
  func testBoundedDrawsAreUniform() {
    var rng = Xoshiro256StarStar(seed: 1)
    var counts = [Int](repeating: 0, count: 10)
    for _ in 0..<100_000 { counts[Int(rng.next(below: 10))] += 1 }
    let chi2 = counts.reduce(0.0) { $0 + pow(Double($1) - 10_000, 2) / 10_000 }
    XCTAssertLessThan(chi2, 27.9)
  }
}
