import COpenBLAS
import XCTest

@testable import ChexLinalg

final class BLASTests: XCTestCase {
  /// A hand-worked 2x3 times 3x2 product.
  func testGemmHandWorked() {
    let a: [Double] = [1, 2, 3, 4, 5, 6]
    let b: [Double] = [7, 8, 9, 10, 11, 12]
    var c = [Double](repeating: 0, count: 4)
    BLAS.gemm(m: 2, n: 2, k: 3, a: a, b: b, c: &c)
    XCTAssertEqual(c, [58, 64, 139, 154])
  }

  /// The core name is OpenBLAS's own (not the wrapper's "unknown" fallback), and the same one
  /// its build configuration string names by a second route (`openblas_get_config`, for example
  /// "OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY Zen MAX_THREADS=64").
  func testCoreNameIsOpenBLASs() throws {
    let name = BLAS.coreName
    XCTAssertNotEqual(name, "unknown")
    let config = String(cString: try XCTUnwrap(openblas_get_config()))
    XCTAssertTrue(config.lowercased().contains(name.lowercased()), "'\(name)' not in '\(config)'")
  }
}
