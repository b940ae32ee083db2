import ChexTestSupport
import Foundation
import XCTest

@testable import ChexStats

/// The regularized incomplete beta function I_x(a, b), its complement and log B(a, b) against a
/// 40-digit mpmath reference and scipy (fixture `Fixtures/beta_t_f.json`, made by
/// `notebooks-export/beta_t_f_fixture.py`; versions in its `_provenance`), plus hand-worked
/// closed forms.
final class SpecialFunctionsTests: XCTestCase {
  /// The relative accuracy the method can reach in either tail, as its documentation states:
  /// 1e-14, degrading like (a + b) * 1e-16 for large parameters, and a few ulp of |log I| (I the
  /// smaller tail) because the prefactor is exp of a sum of that size; with min(a, b) < 8 and
  /// max(a, b) < 10, log B(a, b) is the plain sum of `lgamma`s, a few ulp of lgamma(max(a, b)).
  /// With min(a, b) < 1 the smaller tail can be the one formed as 1 minus the other (the
  /// continued fraction's side is chosen by x, not by which tail is smaller), so it keeps only the
  /// other's absolute accuracy: the bound grows by the ratio of the tails, up to 50 (the fixture's
  /// largest such ratio is 44, at a = 0.1, b = 1e4, x = 1.05e-4). Twice the largest of these.
  static func tolerance(a: Double, b: Double, smallerTail: Double) -> Double {
    var bound = max(1e-14, (a + b) * 1e-16)
    if smallerTail > 0 { bound = max(bound, 6e-16 * abs(log(smallerTail))) }
    if min(a, b) < 8 && max(a, b) < 10 { bound = max(bound, 6e-16 * abs(lgamma(max(a, b)))) }
    if min(a, b) < 1 && smallerTail > 0 { bound *= min(50, max(1, (1 - smallerTail) / smallerTail)) }
    return 2 * bound
  }

  /// Both tails over the whole grid (a, b from 0.1 to 10^4; x from 1e-10 to 0.999 and the
  /// mean +- 1, 3, 6 standard deviations). Each tail is checked relatively, so the small tail,
  /// which must not be computed as 1 minus the large one, keeps its digits.
  func testIncompleteBetaMatchesReference() throws {
    let reference = try BetaTFReference.load()
    XCTAssertTrue(reference._provenance.hasPrefix("notebooks-export/beta_t_f_fixture.py"))
    XCTAssertGreaterThan(reference.beta.count, 1000)
    var worst = 0.0
    for row in reference.beta {
      let allowed = Self.tolerance(a: row.a, b: row.b, smallerTail: min(row.true_lower, row.true_upper))
      let name = "I_x(a, b) at x = \(row.x), a = \(row.a), b = \(row.b)"
      let pair = SpecialFunctions.incompleteBeta(x: row.x, y: 1 - row.x, a: row.a, b: row.b)
      let lower = SpecialFunctions.regularizedIncompleteBeta(x: row.x, a: row.a, b: row.b)
      XCTAssertEqual(lower, pair.lower, name)
      let errors = [
        assertMatchesReference(lower, truth: row.true_lower, other: row.scipy_lower, relative: allowed, name),
        assertMatchesReference(
          pair.upper, truth: row.true_upper, other: row.scipy_upper, relative: allowed, "1 - " + name),
      ]
      worst = max(worst, errors.max() ?? 0)
    }
    print("I_x(a, b) worst relative error vs mpmath: \(worst)")
  }

  /// Closed forms worked by hand: I_x(1, 1) = x, I_x(a, 1) = x^a, I_x(1, b) = 1 - (1 - x)^b
  /// (formed as -expm1(b log1p(-x)), since 1 - pow(1 - x, b) loses every digit at x = 1e-12),
  /// I_x(2, 2) = 3x^2 - 2x^3, and I_{1/2}(a, a) = 1/2 by symmetry. The prefactor is exp of a
  /// sum of size |log I|, so the relative error is a few ulp of |log I|: 2e-14 for x^7 at
  /// x = 1e-12, where log I = -193.
  func testClosedForms() {
    for x in [1e-12, 0.001, 0.1, 0.25, 0.5, 0.75, 0.9, 0.999] {
      XCTAssertEqual(
        SpecialFunctions.regularizedIncompleteBeta(x: x, a: 1, b: 1), x, accuracy: 1e-14 * x, "x, x = \(x)")
      for a in [0.5, 2.0, 7.0] {
        let expected = pow(x, a)
        XCTAssertEqual(
          SpecialFunctions.regularizedIncompleteBeta(x: x, a: a, b: 1), expected,
          accuracy: max(1e-14, 4e-16 * abs(log(expected))) * expected,
          "x^a, x = \(x), a = \(a)")
      }
      let oneMinus = -expm1(3 * log1p(-x))
      XCTAssertEqual(
        SpecialFunctions.regularizedIncompleteBeta(x: x, a: 1, b: 3), oneMinus, accuracy: 1e-14 * oneMinus,
        "1 - (1 - x)^3, x = \(x)")
      let cubic = 3 * x * x - 2 * x * x * x
      XCTAssertEqual(
        SpecialFunctions.regularizedIncompleteBeta(x: x, a: 2, b: 2), cubic, accuracy: 1e-14 * cubic,
        "3x^2 - 2x^3, x = \(x)")
    }
    for a in [0.1, 1, 2.5, 30, 1000, 1e5] {
      XCTAssertEqual(
        SpecialFunctions.regularizedIncompleteBeta(x: 0.5, a: a, b: a), 0.5,
        accuracy: 0.5 * Self.tolerance(a: a, b: a, smallerTail: 0.5), "a = \(a)")
    }
  }

  /// I_x(a, b) + I_{1-x}(b, a) = 1, and the pair's two halves add to 1.
  func testSymmetry() {
    for (a, b) in [(0.5, 3.0), (2.5, 7.0), (30.0, 100.0), (1000.0, 10.0)] {
      for x in stride(from: 0.05, through: 0.95, by: 0.05) {
        let sum =
          SpecialFunctions.regularizedIncompleteBeta(x: x, a: a, b: b)
          + SpecialFunctions.regularizedIncompleteBeta(x: 1 - x, a: b, b: a)
        XCTAssertEqual(sum, 1, accuracy: 1e-14, "x = \(x), a = \(a), b = \(b)")
        let pair = SpecialFunctions.incompleteBeta(x: x, y: 1 - x, a: a, b: b)
        XCTAssertEqual(pair.lower + pair.upper, 1, accuracy: 2e-16, "x = \(x), a = \(a), b = \(b)")
      }
    }
  }

  func testEdgeValues() {
    XCTAssertEqual(SpecialFunctions.regularizedIncompleteBeta(x: 0, a: 2, b: 3), 0)
    XCTAssertEqual(SpecialFunctions.regularizedIncompleteBeta(x: 1, a: 2, b: 3), 1)
    XCTAssertTrue(SpecialFunctions.regularizedIncompleteBeta(x: -0.1, a: 2, b: 3).isNaN)
    XCTAssertTrue(SpecialFunctions.regularizedIncompleteBeta(x: 1.1, a: 2, b: 3).isNaN)
    XCTAssertTrue(SpecialFunctions.regularizedIncompleteBeta(x: .nan, a: 2, b: 3).isNaN)
    let zero = SpecialFunctions.incompleteBeta(x: 0, y: 1, a: 0.5, b: 0.5)
    XCTAssertEqual(zero.lower, 0)
    XCTAssertEqual(zero.upper, 1)
    let one = SpecialFunctions.incompleteBeta(x: 1, y: 0, a: 0.5, b: 0.5)
    XCTAssertEqual(one.lower, 1)
    XCTAssertEqual(one.upper, 0)
  }

  /// log B(a, b): hand-worked values (B(1, 1) = 1, B(1/2, 1/2) = pi, B(a, 1) = 1/a; the lgamma
  /// branch cancels log Gamma(8) = 8.5, so a few ulp of 8.5) and mpmath `log(beta(a, b))` at 40
  /// digits for the Stirling branch (both arguments >= 8).
  func testLogBeta() {
    XCTAssertEqual(SpecialFunctions.logBeta(1, 1), 0, accuracy: 1e-16)
    XCTAssertEqual(SpecialFunctions.logBeta(0.5, 0.5), log(Double.pi), accuracy: 4e-16)
    XCTAssertEqual(SpecialFunctions.logBeta(7, 1), -log(7.0), accuracy: 4e-15)
    let mpmath: [(Double, Double, Double)] = [
      (8, 8, -10.848948661710063), (10, 12, -15.076003572521552), (30.5, 7000, -197.14750061307075),
      (1000, 1000, -1388.4826016359023), (1e5, 3e5, -224938.75152978362), (1e8, 20, -329.0737325918477),
    ]
    for (a, b, expected) in mpmath {
      XCTAssertEqual(
        SpecialFunctions.logBeta(a, b), expected, accuracy: 4e-15 * abs(expected), "a = \(a), b = \(b)")
      XCTAssertEqual(SpecialFunctions.logBeta(b, a), SpecialFunctions.logBeta(a, b), "symmetric in a, b")
    }
  }
}
