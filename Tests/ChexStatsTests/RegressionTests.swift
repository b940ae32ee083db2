import ChexTestSupport
import XCTest

@testable import ChexStats

/// OLS against statsmodels 0.15.0, Holm against statsmodels and R `p.adjust`, one-way ANOVA
/// against scipy 1.17.1 (fixture `Fixtures/regression.json`, made by
/// `notebooks-export/regression_fixture.py`).
final class RegressionTests: XCTestCase {
  struct OLSCase: Decodable {
    var name: String
    var y: [Double]
    var predictors: [[Double]]
    var params, bse, tvalues, pvalues, ci_low, ci_high: [Double]
    var rsquared, rsquared_adj, resid_se, fvalue, f_pvalue, df_model, df_resid, ssr: Double
  }
  struct HolmCase: Decodable {
    var p, statsmodels_holm, r_holm: [Double]
  }
  struct ANOVACase: Decodable {
    var name: String
    var groups: [[Double]]
    var f, p, eta_squared: Double
    var df_between, df_within: Int
  }
  struct Fixture: Decodable {
    var ols: [OLSCase]
    var holm: [HolmCase]
    var anova: [ANOVACase]
  }

  func fixture() throws -> Fixture { try fixtures.decode("regression.json", as: Fixture.self) }

  func assertClose(
    _ actual: Double, _ expected: Double, _ tolerance: Double, _ label: String,
    file: StaticString = #filePath, line: UInt = #line
  ) {
    XCTAssertLessThanOrEqual(
      relativeError(actual, expected), tolerance, "\(label): \(actual) vs \(expected)", file: file, line: line
    )
  }

  func testOLSMatchesStatsmodels() throws {
    let cases = try fixture().ols
    XCTAssertGreaterThanOrEqual(cases.count, 6)
    for c in cases {
      let names = c.predictors.indices.map { "x\($0 + 1)" }
      let fit = try Regression.ordinaryLeastSquares(y: c.y, predictors: c.predictors, predictorNames: names)
      XCTAssertEqual(fit.coefficients.map(\.name), ["intercept"] + names)
      for (j, coefficient) in fit.coefficients.enumerated() {
        let label = "\(c.name) \(coefficient.name)"
        assertClose(coefficient.estimate, c.params[j], 1e-10, label + " estimate")
        assertClose(coefficient.standardError, c.bse[j], 1e-10, label + " se")
        assertClose(coefficient.t, c.tvalues[j], 1e-10, label + " t")
        assertClose(coefficient.pValue, c.pvalues[j], 1e-10, label + " p")
        assertClose(coefficient.confidenceInterval.lower, c.ci_low[j], 1e-10, label + " CI low")
        assertClose(coefficient.confidenceInterval.upper, c.ci_high[j], 1e-10, label + " CI high")
      }
      assertClose(fit.rSquared, c.rsquared, 1e-10, c.name + " R2")
      assertClose(fit.adjustedRSquared, c.rsquared_adj, 1e-10, c.name + " adj R2")
      assertClose(fit.residualStandardError, c.resid_se, 1e-10, c.name + " s")
      assertClose(fit.fStatistic, c.fvalue, 1e-10, c.name + " F")
      assertClose(fit.fPValue, c.f_pvalue, 1e-10, c.name + " F p")
      assertClose(fit.residualSumOfSquares, c.ssr, 1e-10, c.name + " RSS")
      XCTAssertEqual(Double(fit.modelDegreesOfFreedom), c.df_model)
      XCTAssertEqual(Double(fit.residualDegreesOfFreedom), c.df_resid)
      XCTAssertEqual(fit.n, c.y.count)
    }
  }

  /// Hand-worked: y = (1, 2, 2, 4) on x = (0, 1, 2, 3): xbar = 1.5, ybar = 2.25, Sxx = 5,
  /// Sxy = 4.5, slope 0.9, intercept 0.9; residuals (0.1, 0.2, -0.7, 0.4), RSS = 0.7, s^2 = 0.35,
  /// se(slope) = sqrt(0.35 / 5), se(intercept) = sqrt(0.35 (1/4 + 2.25/5)); TSS = 4.75,
  /// R^2 = 1 - 0.7/4.75; F = (4.05 / 1) / 0.35.
  func testOLSHandWorked() throws {
    let fit = try Regression.ordinaryLeastSquares(y: [1, 2, 2, 4], x: [0, 1, 2, 3])
    XCTAssertEqual(fit.slope.estimate, 0.9, accuracy: 1e-14)
    XCTAssertEqual(fit.intercept.estimate, 0.9, accuracy: 1e-14)
    XCTAssertEqual(fit.residualSumOfSquares, 0.7, accuracy: 1e-14)
    XCTAssertEqual(fit.slope.standardError, (0.35 / 5).squareRoot(), accuracy: 1e-14)
    XCTAssertEqual(fit.intercept.standardError, (0.35 * (0.25 + 2.25 / 5)).squareRoot(), accuracy: 1e-14)
    XCTAssertEqual(fit.rSquared, 1 - 0.7 / 4.75, accuracy: 1e-14)
    XCTAssertEqual(fit.fStatistic, 4.05 / 0.35, accuracy: 1e-12)
    XCTAssertEqual(fit.fStatistic, fit.slope.t * fit.slope.t, accuracy: 1e-12)
    XCTAssertEqual(fit.fPValue, fit.slope.pValue, accuracy: 1e-14)
    XCTAssertEqual(fit.residualDegreesOfFreedom, 2)
  }

  func testOLSInputErrors() {
    XCTAssertThrowsError(try Regression.ordinaryLeastSquares(y: [1, 2, 3], x: [1, 2]))
    XCTAssertThrowsError(try Regression.ordinaryLeastSquares(y: [1, 2], x: [1, 2]))
    XCTAssertThrowsError(try Regression.ordinaryLeastSquares(y: [1, 2, 3, 4], x: [5, 5, 5, 5])) { error in
      guard case .rankDeficient = error as? StatisticsInputError else {
        return XCTFail("expected rankDeficient, got \(error)")
      }
    }
    XCTAssertThrowsError(try Regression.ordinaryLeastSquares(y: [2, 2, 2, 2], x: [1, 2, 3, 4]))
    XCTAssertThrowsError(
      try Regression.ordinaryLeastSquares(
        y: [1, 3, 2, 5, 4], predictors: [[1, 2, 3, 4, 5], [2, 4, 6, 8, 10]], predictorNames: ["a", "b"]))
  }

  func testHolmMatchesStatsmodelsAndR() throws {
    for c in try fixture().holm {
      let adjusted = try MultipleTesting.holm(c.p)
      XCTAssertEqual(adjusted.count, c.p.count)
      for i in c.p.indices {
        assertClose(adjusted[i], c.statsmodels_holm[i], 1e-15, "Holm[\(i)] vs statsmodels")
        assertClose(adjusted[i], c.r_holm[i], 1e-15, "Holm[\(i)] vs R")
      }
    }
  }

  /// Hand-worked: p = (0.01, 0.04, 0.03, 0.005) -> sorted 0.005, 0.01, 0.03, 0.04 times 4, 3, 2, 1
  /// = 0.02, 0.03, 0.06, 0.04 -> running max 0.02, 0.03, 0.06, 0.06.
  func testHolmHandWorked() throws {
    let adjusted = try MultipleTesting.holm([0.01, 0.04, 0.03, 0.005])
    let expected = [0.03, 0.06, 0.06, 0.02]
    for i in 0..<4 { XCTAssertEqual(adjusted[i], expected[i], accuracy: 1e-16) }
    XCTAssertEqual(try MultipleTesting.holm([]), [])
    XCTAssertThrowsError(try MultipleTesting.holm([0.5, 1.2]))
    XCTAssertThrowsError(try MultipleTesting.holm([.nan]))
  }

  func testANOVAMatchesScipy() throws {
    for c in try fixture().anova {
      let result = try OneWayANOVA.test(c.groups)
      assertClose(result.fStatistic, c.f, 1e-12, c.name + " F")
      assertClose(result.pValue, c.p, 1e-12, c.name + " p")
      assertClose(result.etaSquared, c.eta_squared, 1e-12, c.name + " eta2")
      XCTAssertEqual(result.betweenDegreesOfFreedom, c.df_between)
      XCTAssertEqual(result.withinDegreesOfFreedom, c.df_within)
      XCTAssertEqual(result.groups.map(\.n), c.groups.map(\.count))
    }
  }

  /// Hand-worked: groups (1, 2, 3) and (4, 5, 6): grand mean 3.5, SSB = 3 (1.5^2) * 2 = 13.5,
  /// SSW = 2 + 2 = 4, F = 13.5 / (4 / 4) = 13.5, eta^2 = 13.5 / 17.5.
  func testANOVAHandWorked() throws {
    let result = try OneWayANOVA.test([[1, 2, 3], [4, 5, 6]], names: ["a", "b"])
    XCTAssertEqual(result.fStatistic, 13.5, accuracy: 1e-13)
    XCTAssertEqual(result.etaSquared, 13.5 / 17.5, accuracy: 1e-15)
    XCTAssertEqual(result.groups[1], GroupSummary(name: "b", n: 3, mean: 5, minimum: 4, maximum: 6))
    // With two groups, F = t^2 of the pooled two-sample t test, t = 3 / sqrt(2/3) on 4 df.
    XCTAssertEqual(
      result.pValue, 2 * StudentT(degreesOfFreedom: 4).sf(3 / (2.0 / 3).squareRoot()), accuracy: 1e-15)
    XCTAssertThrowsError(try OneWayANOVA.test([[1, 2, 3]]))
    XCTAssertThrowsError(try OneWayANOVA.test([[1, 2], []]))
    XCTAssertThrowsError(try OneWayANOVA.test([[2, 2], [2, 2]]))
  }
}
