import CLAPACKE

/// A LAPACK routine reported failure through its `info` argument.
public enum LAPACKError: Error, Sendable, Hashable, CustomStringConvertible {
  /// `info < 0`: argument number `-info` had an illegal value (a bug in the wrapper or caller).
  case illegalArgument(routine: String, argument: Int)
  /// `info > 0`: the routine's own failure, for example a zero diagonal element of R in
  /// `dgels` (the matrix does not have full column rank).
  case failed(routine: String, info: Int, meaning: String)

  public var description: String {
    switch self {
    case .illegalArgument(let routine, let argument):
      return "LAPACK \(routine): argument \(argument) had an illegal value."
    case .failed(let routine, let info, let meaning):
      return "LAPACK \(routine) failed with info = \(info): \(meaning)."
    }
  }
}

/// The LAPACK routines chexstats uses, each wrapped once.
///
/// Every call into LAPACKE goes through this file; no `UnsafePointer` appears in a public
/// signature. Matrices are row-major (`LAPACK_ROW_MAJOR`).
public enum LAPACK {
  /// The result of a QR least-squares solve.
  public struct LeastSquaresQR: Sendable, Hashable {
    /// The minimiser of ||A x - b||_2, length n.
    public var solution: [Double]
    /// The n x n upper-triangular factor R of A = QR, row-major (entries below the diagonal
    /// are zero).
    public var r: [Double]
    /// ||A x - b||_2^2 at the solution.
    public var residualSumOfSquares: Double
  }

  /// Solves min ||A x - b||_2 for a full-column-rank m x n matrix A (m >= n) by Householder QR.
  ///
  /// `dgels` itself reports only an exactly zero diagonal element of R; rounding usually leaves
  /// a tiny one instead (1e-17 for two proportional columns, depending on the BLAS kernels of the
  /// CPU), and the solution is then noise. So a diagonal element with
  /// |R_ii| <= max(m, n) * eps * max_j |R_jj| counts as zero too: numerical rank below n, the
  /// tolerance of numpy's `matrix_rank` and `lstsq` (Golub and Van Loan, Matrix Computations,
  /// 4th ed., section 5.4.1).
  ///
  /// The corresponding C function is `LAPACKE_dgels` (trans = 'N').
  /// - Throws: `LAPACKError.failed(routine: "dgels", info: i, ...)` when A does not have full
  ///   column rank, i the first (1-based) diagonal element of R that is zero to working precision.
  /// - Complexity: O(m n^2).
  public static func leastSquaresQR(rows m: Int, columns n: Int, a: [Double], b: [Double]) throws
    -> LeastSquaresQR
  {
    precondition(m >= n && n >= 1, "LAPACK.leastSquaresQR: need rows >= columns >= 1, got \(m) x \(n)")
    precondition(a.count == m * n, "LAPACK.leastSquaresQR: a has \(a.count) elements, expected \(m * n)")
    precondition(b.count == m, "LAPACK.leastSquaresQR: b has \(b.count) elements, expected \(m)")
    var factor = a
    var rhs = b
    let info = factor.withUnsafeMutableBufferPointer { pa in
      rhs.withUnsafeMutableBufferPointer { pb in
        LAPACKE_dgels(
          LAPACK_ROW_MAJOR, CChar(UInt8(ascii: "N")), LapackInt(m), LapackInt(n), 1, pa.baseAddress,
          LapackInt(n), pb.baseAddress, 1)
      }
    }
    try check(
      info, routine: "dgels",
      meaning: "diagonal element \(info) of R is zero, so the matrix does not have full column rank")
    var r = [Double](repeating: 0, count: n * n)
    for i in 0..<n {
      for j in i..<n { r[i * n + j] = factor[i * n + j] }
    }
    let diagonal = (0..<n).map { abs(r[$0 * n + $0]) }
    let tolerance = Double(max(m, n)) * Double.ulpOfOne * (diagonal.max() ?? 0)
    if let small = diagonal.firstIndex(where: { $0 <= tolerance }) {
      throw LAPACKError.failed(
        routine: "dgels", info: small + 1,
        meaning:
          "diagonal element \(small + 1) of R is zero to working precision (|R| = \(diagonal[small]), tolerance \(tolerance)), so the matrix does not have full column rank"
      )
    }
    let residual = rhs[n..<m].reduce(0) { $0 + $1 * $1 }
    return LeastSquaresQR(solution: Array(rhs[0..<n]), r: r, residualSumOfSquares: residual)
  }

  /// The inverse of an n x n upper-triangular row-major matrix with non-unit diagonal.
  ///
  /// The corresponding C function is `LAPACKE_dtrtri` (uplo = 'U', diag = 'N').
  /// - Throws: `LAPACKError.failed(routine: "dtrtri", ...)` when a diagonal element is zero.
  /// - Complexity: O(n^3).
  public static func invertUpperTriangular(_ r: [Double], n: Int) throws -> [Double] {
    precondition(n >= 1, "LAPACK.invertUpperTriangular: n must be at least 1, got \(n)")
    precondition(
      r.count == n * n, "LAPACK.invertUpperTriangular: r has \(r.count) elements, expected \(n * n)")
    var inverse = r
    for i in 0..<n {
      for j in 0..<i { inverse[i * n + j] = 0 }
    }
    let info = inverse.withUnsafeMutableBufferPointer { p in
      LAPACKE_dtrtri(
        LAPACK_ROW_MAJOR, CChar(UInt8(ascii: "U")), CChar(UInt8(ascii: "N")), LapackInt(n), p.baseAddress,
        LapackInt(n))
    }
    try check(info, routine: "dtrtri", meaning: "diagonal element \(info) is zero, so the matrix is singular")
    return inverse
  }

  private static func check(_ info: LapackInt, routine: String, meaning: @autoclosure () -> String) throws {
    if info < 0 { throw LAPACKError.illegalArgument(routine: routine, argument: Int(-info)) }
    if info > 0 { throw LAPACKError.failed(routine: routine, info: Int(info), meaning: meaning()) }
  }
}

/// LAPACKE's `lapack_int` (a C macro, so not imported): 32-bit in Debian's LP64 build.
private typealias LapackInt = Int32
