import XCTest

@testable import ChexLinalg

final class LAPACKTests: XCTestCase {
  /// Hand-worked: fitting y = (1, 2, 2) on columns (1, 1, 1) and (0, 1, 2) gives intercept 7/6
  /// and slope 1/2, residuals (-1/6, 1/3, -1/6), RSS = 1/6.
  func testLeastSquaresHandWorked() throws {
    let a: [Double] = [1, 0, 1, 1, 1, 2]
    let fit = try LAPACK.leastSquaresQR(rows: 3, columns: 2, a: a, b: [1, 2, 2])
    XCTAssertEqual(fit.solution[0], 7.0 / 6, accuracy: 1e-15)
    XCTAssertEqual(fit.solution[1], 0.5, accuracy: 1e-15)
    XCTAssertEqual(fit.residualSumOfSquares, 1.0 / 6, accuracy: 1e-15)
    // R^T R = A^T A = [[3, 3], [3, 5]].
    let r = fit.r
    XCTAssertEqual(r[2], 0)
    XCTAssertEqual(r[0] * r[0], 3, accuracy: 1e-14)
    XCTAssertEqual(r[0] * r[1], 3, accuracy: 1e-14)
    XCTAssertEqual(r[1] * r[1] + r[3] * r[3], 5, accuracy: 1e-14)
  }

  func testRankDeficientThrowsNamingRoutine() {
    let a: [Double] = [1, 2, 1, 2, 1, 2]
    XCTAssertThrowsError(try LAPACK.leastSquaresQR(rows: 3, columns: 2, a: a, b: [1, 2, 3])) { error in
      guard case .failed(let routine, let info, _) = error as? LAPACKError else {
        return XCTFail("unexpected error \(error)")
      }
      XCTAssertEqual(routine, "dgels")
      XCTAssertEqual(info, 2)
    }
  }

  /// Proportional columns (x and 0.3 x, with values whose products round): rounding leaves a
  /// diagonal element of R of order 1e-17 rather than 0, which still means rank 1.
  func testNumericallyRankDeficientThrows() {
    let x = [0.1, 0.7, 1.3, 2.9]
    let a = x.flatMap { [$0, 0.3 * $0] }
    XCTAssertThrowsError(try LAPACK.leastSquaresQR(rows: 4, columns: 2, a: a, b: [1, 2, 3, 4])) { error in
      guard case .failed("dgels", 2, _) = error as? LAPACKError else {
        return XCTFail("unexpected error \(error)")
      }
    }
  }

  /// [[2, 1], [0, 4]]^-1 = [[1/2, -1/8], [0, 1/4]].
  func testInvertUpperTriangular() throws {
    let inverse = try LAPACK.invertUpperTriangular([2, 1, 0, 4], n: 2)
    XCTAssertEqual(inverse, [0.5, -0.125, 0, 0.25])
    XCTAssertThrowsError(try LAPACK.invertUpperTriangular([1, 1, 0, 0], n: 2))
  }
}
