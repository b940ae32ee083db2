import ChexTestSupport
import Foundation
import XCTest

@testable import ChexStats

/// F cdf and sf against a 40-digit mpmath reference and scipy (fixture `Fixtures/beta_t_f.json`,
/// made by `notebooks-export/beta_t_f_fixture.py`), plus closed forms worked by hand.
final class FDistributionTests: XCTestCase {
  /// d1 in 1...50, d2 in 1...1000, f from 1e-4 to 1000: both tails relatively, so the p-value
  /// of a large F statistic keeps its digits.
  func testCDFAndSFMatchReference() throws {
    let reference = try BetaTFReference.load()
    XCTAssertGreaterThan(reference.f.count, 400)
    var worst = 0.0
    for row in reference.f {
      let distribution = FDistribution(numeratorDegreesOfFreedom: row.d1, denominatorDegreesOfFreedom: row.d2)
      let tolerance = SpecialFunctionsTests.tolerance(
        a: row.d1 / 2, b: row.d2 / 2, smallerTail: min(row.true_cdf, row.true_sf))
      let name = "f = \(row.f), d1 = \(row.d1), d2 = \(row.d2)"
      let errors = [
        assertMatchesReference(
          distribution.cdf(row.f), truth: row.true_cdf, other: row.scipy_cdf, relative: tolerance,
          "cdf " + name),
        assertMatchesReference(
          distribution.sf(row.f), truth: row.true_sf, other: row.scipy_sf, relative: tolerance, "sf " + name),
      ]
      worst = max(worst, errors.max() ?? 0)
    }
    print("F cdf/sf worst relative error vs mpmath: \(worst)")
  }

  /// d1 = 2: P(F > f) = (d2 / (d2 + 2f))^(d2 / 2), since I_x(1, b) = 1 - (1 - x)^b; with
  /// d2 = 2 too, P(F <= f) = f / (1 + f). Equal degrees of freedom: P(F > 1) = 1/2.
  func testClosedForms() {
    for d2 in [1.0, 2.0, 5.0, 30.0] {
      let distribution = FDistribution(numeratorDegreesOfFreedom: 2, denominatorDegreesOfFreedom: d2)
      for f in [0.01, 0.5, 1, 3, 20, 400] {
        let expected = pow(d2 / (d2 + 2 * f), d2 / 2)
        assertClose(distribution.sf(f), expected, relative: 1e-13, "sf f = \(f), d1 = 2, d2 = \(d2)")
      }
    }
    let twoTwo = FDistribution(numeratorDegreesOfFreedom: 2, denominatorDegreesOfFreedom: 2)
    for f in [1e-6, 0.25, 1, 9] {
      assertClose(twoTwo.cdf(f), f / (1 + f), relative: 1e-15, "cdf f = \(f), d1 = d2 = 2")
    }
    for d in [1.0, 3.0, 10.0, 200.0] {
      let distribution = FDistribution(numeratorDegreesOfFreedom: d, denominatorDegreesOfFreedom: d)
      assertClose(distribution.sf(1), 0.5, relative: 0, absolute: 1e-15, "sf 1, d1 = d2 = \(d)")
    }
  }

  /// Two ways to the same number: if T has a t distribution with nu degrees of freedom, T^2 is
  /// F(1, nu), so P(F > t^2) = 2 P(T > t).
  func testSquareOfStudentT() {
    for nu in [1.0, 4.5, 14.0, 300.0] {
      let f = FDistribution(numeratorDegreesOfFreedom: 1, denominatorDegreesOfFreedom: nu)
      let t = StudentT(degreesOfFreedom: nu)
      for value in [0.1, 1, 2.5, 7, 40] {
        let expected = 2 * t.sf(value)
        assertClose(f.sf(value * value), expected, relative: 1e-13, "F(1, \(nu)) sf t^2, t = \(value)")
      }
    }
  }

  func testEdgeValues() {
    let distribution = FDistribution(numeratorDegreesOfFreedom: 3, denominatorDegreesOfFreedom: 14)
    XCTAssertEqual(distribution.cdf(0), 0)
    XCTAssertEqual(distribution.sf(0), 1)
    XCTAssertEqual(distribution.cdf(-2), 0)
    XCTAssertEqual(distribution.sf(-2), 1)
    XCTAssertEqual(distribution.cdf(.infinity), 1)
    XCTAssertEqual(distribution.sf(.infinity), 0)
    XCTAssertTrue(distribution.cdf(.nan).isNaN)
    XCTAssertTrue(distribution.sf(.nan).isNaN)
  }
}
