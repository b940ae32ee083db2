import ChexTestSupport
import Foundation
import XCTest

@testable import ChexStats

/// Student t cdf, sf and quantile against a 40-digit mpmath reference and scipy (fixture
/// `Fixtures/beta_t_f.json`, made by `notebooks-export/beta_t_f_fixture.py`), plus the closed
/// forms for 1 and 2 degrees of freedom worked by hand.
final class StudentTTests: XCTestCase {
  /// The incomplete beta's accuracy at a = nu / 2, b = 1/2 for the smaller tail `tail`
  /// (`SpecialFunctionsTests.tolerance`; 4e-11 at 1e5 degrees of freedom, where the
  /// tolerance's (a + b) * 1e-16 term governs).
  static func tolerance(df: Double, tail: Double) -> Double {
    SpecialFunctionsTests.tolerance(a: df / 2, b: 0.5, smallerTail: tail)
  }

  /// df from 1 to 10^5 (non-integer 4.5 included), |t| from 1e-8 to 1e5, both signs: both
  /// tails relatively, so P(T > 100) for df = 30 keeps its digits.
  func testCDFAndSFMatchReference() throws {
    let reference = try BetaTFReference.load()
    XCTAssertGreaterThan(reference.t.count, 250)
    var worst = 0.0
    for row in reference.t {
      let distribution = StudentT(degreesOfFreedom: row.df)
      let tolerance = Self.tolerance(df: row.df, tail: min(row.true_cdf, row.true_sf))
      let name = "t = \(row.t), df = \(row.df)"
      let errors = [
        assertMatchesReference(
          distribution.cdf(row.t), truth: row.true_cdf, other: row.scipy_cdf, relative: tolerance,
          "cdf " + name),
        assertMatchesReference(
          distribution.sf(row.t), truth: row.true_sf, other: row.scipy_sf, relative: tolerance, "sf " + name),
      ]
      worst = max(worst, errors.max() ?? 0)
    }
    print("Student t cdf/sf worst relative error vs mpmath: \(worst)")
  }

  /// p from 1e-300 to 1 - 1e-12: the quantile to the tolerance of the tail it inverts (measured
  /// worst: 0.75 of it). Where scipy's t.ppf overflowed (nil in the fixture) only the mpmath
  /// value is compared.
  func testQuantileMatchesReference() throws {
    let reference = try BetaTFReference.load()
    XCTAssertGreaterThan(reference.t_quantile.count, 200)
    var worst = 0.0
    for row in reference.t_quantile {
      let mine = StudentT(degreesOfFreedom: row.df).quantile(row.p)
      let error = assertMatchesReference(
        mine, truth: row.true_quantile, other: row.scipy_quantile,
        relative: Self.tolerance(df: row.df, tail: min(row.p, 1 - row.p)),
        "quantile p = \(row.p), df = \(row.df)")
      worst = max(worst, error)
    }
    print("Student t quantile worst relative error vs mpmath: \(worst)")
  }

  /// df = 1 is the Cauchy distribution: P(T > t) = 1/2 - atan(t) / pi = atan(1 / t) / pi for
  /// t > 0, quantile(p) = tan(pi (p - 1/2)); df = 2: P(T > t) = (1 - t / sqrt(2 + t^2)) / 2 =
  /// 1 / (s (s + t)) with s = sqrt(2 + t^2), the second form free of cancellation.
  func testClosedForms() {
    let cauchy = StudentT(degreesOfFreedom: 1)
    XCTAssertEqual(cauchy.sf(1), 0.25, accuracy: 1e-16)
    XCTAssertEqual(cauchy.cdf(-1), 0.25, accuracy: 1e-16)
    XCTAssertEqual(cauchy.quantile(0.75), 1, accuracy: 4e-16)
    XCTAssertEqual(cauchy.pdf(0), 1 / Double.pi, accuracy: 1e-16)
    let two = StudentT(degreesOfFreedom: 2)
    XCTAssertEqual(two.pdf(0), 1 / (2 * 2.0.squareRoot()), accuracy: 1e-16)
    for t in [0.01, 0.5, 1, 2, 3, 10, 50] {
      let cauchySF = atan(1 / t) / Double.pi
      XCTAssertEqual(cauchy.sf(t), cauchySF, accuracy: 1e-14 * cauchySF, "Cauchy sf t = \(t)")
      XCTAssertEqual(cauchy.quantile(1 - cauchySF), t, accuracy: 1e-12 * t, "Cauchy quantile t = \(t)")
      let s = (2 + t * t).squareRoot()
      let twoSF = 1 / (s * (s + t))
      XCTAssertEqual(two.sf(t), twoSF, accuracy: 1e-13 * twoSF, "df 2 sf t = \(t)")
      XCTAssertEqual(two.cdf(-t), twoSF, accuracy: 1e-13 * twoSF, "df 2 cdf -t = \(t)")
    }
  }

  /// Infinite degrees of freedom is the standard normal, bit for bit.
  func testInfiniteDegreesOfFreedomIsNormal() {
    let normal = StudentT(degreesOfFreedom: .infinity)
    for x in stride(from: -8.0, through: 8.0, by: 0.5) {
      XCTAssertEqual(normal.cdf(x), Normal.cdf(x), "x = \(x)")
      XCTAssertEqual(normal.sf(x), Normal.sf(x), "x = \(x)")
    }
    XCTAssertEqual(normal.quantile(0.975), Normal.quantile(0.975))
  }

  func testEdgeValues() {
    for df in [1.0, 2.0, 4.5, 30.0, 1e5] {
      let t = StudentT(degreesOfFreedom: df)
      XCTAssertEqual(t.cdf(0), 0.5, "df = \(df)")
      XCTAssertEqual(t.sf(0), 0.5, "df = \(df)")
      XCTAssertEqual(t.cdf(.infinity), 1, "df = \(df)")
      XCTAssertEqual(t.cdf(-.infinity), 0, "df = \(df)")
      XCTAssertEqual(t.sf(.infinity), 0, "df = \(df)")
      XCTAssertEqual(t.sf(-.infinity), 1, "df = \(df)")
      XCTAssertTrue(t.cdf(.nan).isNaN, "df = \(df)")
      XCTAssertEqual(t.quantile(0), -.infinity, "df = \(df)")
      XCTAssertEqual(t.quantile(1), .infinity, "df = \(df)")
      XCTAssertEqual(t.quantile(0.5), 0, "df = \(df)")
      XCTAssertTrue(t.quantile(-0.1).isNaN, "df = \(df)")
      XCTAssertTrue(t.quantile(1.1).isNaN, "df = \(df)")
      XCTAssertTrue(t.quantile(.nan).isNaN, "df = \(df)")
    }
  }

  /// sf(t) = cdf(-t) exactly (the same tail), and quantile(cdf(t)) recovers t.
  func testSymmetryAndRoundTrip() {
    for df in [1.0, 3.0, 4.5, 14.0, 100.0] {
      let distribution = StudentT(degreesOfFreedom: df)
      for t in stride(from: -40.0, through: 40.0, by: 0.7) {
        XCTAssertEqual(distribution.sf(t), distribution.cdf(-t), "t = \(t), df = \(df)")
      }
      for t in stride(from: -20.0, through: -0.1, by: 0.3) {
        XCTAssertEqual(
          distribution.quantile(distribution.cdf(t)), t, accuracy: 1e-12 * abs(t), "t = \(t), df = \(df)")
      }
    }
  }
}
