import ChexTestSupport
import XCTest

@testable import ChexStats

/// Normal cdf, sf and quantile against scipy 1.17.1 and a 40-digit mpmath reference
/// (fixture `Fixtures/normal.json`, made by `notebooks-export/normal_fixture.py`).
final class NormalTests: XCTestCase {
  struct CDFRow: Decodable {
    var x: Double
    var scipy_cdf: Double
    var scipy_sf: Double
    var true_cdf: Double
    var true_sf: Double
  }
  struct QuantileRow: Decodable {
    var p: Double
    var scipy_quantile: Double
    var true_quantile: Double
  }
  struct Fixture: Decodable {
    var cdf: [CDFRow]
    var quantile: [QuantileRow]
  }

  /// Smallest normal double: below it relative accuracy is not meaningful (subnormals).
  let normalRange = Double.leastNormalMagnitude

  func testCDFAndSFMatchReferenceTo1e14() throws {
    let fixture = try fixtures.decode("normal.json", as: Fixture.self)
    XCTAssertGreaterThan(fixture.cdf.count, 700)
    var worst = 0.0
    for row in fixture.cdf {
      for (mine, truth, scipy) in [
        (Normal.cdf(row.x), row.true_cdf, row.scipy_cdf), (Normal.sf(row.x), row.true_sf, row.scipy_sf),
      ] {
        guard truth >= normalRange else {
          XCTAssertLessThan(mine, 1e-300, "x = \(row.x)")
          continue
        }
        let error = relativeError(mine, truth)
        worst = max(worst, error)
        XCTAssertLessThanOrEqual(error, 1e-14, "x = \(row.x): \(mine) vs mpmath \(truth)")
        // scipy itself is off by up to ~2e-13 in the far lower tail; allow its own error.
        let scipyOwn = relativeError(scipy, truth)
        XCTAssertLessThanOrEqual(
          relativeError(mine, scipy), 1e-14 + scipyOwn * 1.0001,
          "x = \(row.x): \(mine) vs scipy \(scipy)")
      }
    }
    print("Normal cdf/sf worst relative error vs mpmath: \(worst)")
  }

  func testQuantileMatchesReferenceTo1e14() throws {
    let fixture = try fixtures.decode("normal.json", as: Fixture.self)
    XCTAssertGreaterThan(fixture.quantile.count, 700)
    var worst = 0.0
    for row in fixture.quantile {
      let mine = Normal.quantile(row.p)
      let error = relativeError(mine, row.true_quantile)
      worst = max(worst, error)
      XCTAssertLessThanOrEqual(error, 1e-14, "p = \(row.p): \(mine) vs mpmath \(row.true_quantile)")
      XCTAssertLessThanOrEqual(
        relativeError(mine, row.scipy_quantile), 1e-14 + relativeError(row.scipy_quantile, row.true_quantile),
        "p = \(row.p): \(mine) vs scipy \(row.scipy_quantile)")
    }
    print("Normal quantile worst relative error vs mpmath: \(worst)")
  }

  func testEdgeValues() {
    XCTAssertEqual(Normal.cdf(0), 0.5)
    XCTAssertEqual(Normal.sf(0), 0.5)
    XCTAssertEqual(Normal.cdf(.infinity), 1)
    XCTAssertEqual(Normal.cdf(-.infinity), 0)
    XCTAssertEqual(Normal.sf(.infinity), 0)
    XCTAssertEqual(Normal.sf(-.infinity), 1)
    XCTAssertTrue(Normal.cdf(.nan).isNaN)
    XCTAssertTrue(Normal.sf(.nan).isNaN)
    XCTAssertEqual(Normal.quantile(0), -.infinity)
    XCTAssertEqual(Normal.quantile(1), .infinity)
    XCTAssertEqual(Normal.quantile(0.5), 0)
    XCTAssertTrue(Normal.quantile(-0.1).isNaN)
    XCTAssertTrue(Normal.quantile(1.1).isNaN)
    XCTAssertTrue(Normal.quantile(.nan).isNaN)
  }

  /// Hand-checked textbook values: Phi(1.96) = 0.9750021048517795 and the 97.5% point.
  func testTextbookValues() {
    XCTAssertEqual(Normal.cdf(1.959_963_984_540_054), 0.975, accuracy: 1e-15)
    XCTAssertEqual(Normal.quantile(0.975), 1.959_963_984_540_054, accuracy: 4e-16)
    XCTAssertEqual(Normal.quantile(0.025), -1.959_963_984_540_054, accuracy: 4e-16)
  }

  /// sf(x) and cdf(-x) are the same computation; the two tails must agree exactly.
  func testSymmetry() {
    for x in stride(from: -38.0, through: 38.0, by: 0.37) {
      XCTAssertEqual(Normal.sf(x), Normal.cdf(-x), "x = \(x)")
    }
  }

  /// Round trip quantile(cdf(x)) recovers x where cdf(x) carries enough information.
  func testRoundTrip() {
    for x in stride(from: -37.0, through: 0.0, by: 0.25) {
      XCTAssertEqual(Normal.quantile(Normal.cdf(x)), x, accuracy: 1e-14 * max(1, abs(x)), "x = \(x)")
    }
  }
}
