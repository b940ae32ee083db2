import COpenBLAS

/// The BLAS routines chexstats uses, each wrapped once.
///
/// Every call into OpenBLAS goes through this file. Matrices are row-major and come as Swift
/// arrays, except in `sgemm`, which takes buffer pointers (the inference engine calls it on
/// windows of its activation arena) and checks their extents; no bare `UnsafePointer` appears in
/// a public signature.
public enum BLAS {
  /// The name of the OpenBLAS kernel set in use (for example `Haswell` or `SkylakeX`).
  ///
  /// The corresponding C function is `openblas_get_corename`. Benchmarks print it, since
  /// `OPENBLAS_CORETYPE` changes which kernels run and so the speed.
  public static var coreName: String {
    guard let name = openblas_get_corename() else { return "unknown" }
    return String(cString: name)
  }

  /// Sets the number of threads OpenBLAS may use inside one call.
  ///
  /// The corresponding C function is `openblas_set_num_threads`.
  public static func setThreadCount(_ count: Int) {
    precondition(count >= 1, "BLAS.setThreadCount: count must be at least 1, got \(count)")
    openblas_set_num_threads(Int32(count))
  }

  /// `C = alpha * A * B + beta * C` for row-major double-precision matrices.
  ///
  /// `a` is `m x k`, `b` is `k x n`, `c` is `m x n`. The corresponding C function is
  /// `cblas_dgemm`.
  /// - Complexity: O(m n k).
  public static func gemm(
    m: Int, n: Int, k: Int, alpha: Double = 1, a: [Double], b: [Double], beta: Double = 0,
    c: inout [Double]
  ) {
    precondition(a.count == m * k, "BLAS.gemm: a has \(a.count) elements, expected m*k = \(m * k)")
    precondition(b.count == k * n, "BLAS.gemm: b has \(b.count) elements, expected k*n = \(k * n)")
    precondition(c.count == m * n, "BLAS.gemm: c has \(c.count) elements, expected m*n = \(m * n)")
    guard m > 0, n > 0 else { return }
    a.withUnsafeBufferPointer { pa in
      b.withUnsafeBufferPointer { pb in
        c.withUnsafeMutableBufferPointer { pc in
          cblas_dgemm(
            CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(m), Int32(n), Int32(k), alpha,
            pa.baseAddress, Int32(max(k, 1)), pb.baseAddress, Int32(n), beta, pc.baseAddress,
            Int32(n))
        }
      }
    }
  }
  /// `C = alpha * op(A) * op(B) + beta * C` for row-major single-precision matrices.
  ///
  /// `op(A)` is `m x k` (stored `k x m` when `transA`), `op(B)` is `k x n` (stored `n x k` when
  /// `transB`), `C` is `m x n`. Leading dimensions are row strides in elements, so a matrix may be
  /// a window of a larger one. The buffers are taken as unsafe pointers because the inference
  /// engine calls this on slices of its activation arena; the bounds are checked here.
  /// The corresponding C function is `cblas_sgemm`.
  /// - Complexity: O(m n k).
  public static func sgemm(
    transA: Bool = false, transB: Bool = false, m: Int, n: Int, k: Int, alpha: Float = 1,
    a: UnsafeBufferPointer<Float>, lda: Int, b: UnsafeBufferPointer<Float>, ldb: Int,
    beta: Float = 0, c: UnsafeMutableBufferPointer<Float>, ldc: Int
  ) {
    guard m > 0, n > 0 else { return }
    let (aRows, aCols) = transA ? (k, m) : (m, k)
    let (bRows, bCols) = transB ? (n, k) : (k, n)
    precondition(lda >= max(aCols, 1), "BLAS.sgemm: lda \(lda) is less than the \(aCols) columns of A")
    precondition(ldb >= max(bCols, 1), "BLAS.sgemm: ldb \(ldb) is less than the \(bCols) columns of B")
    precondition(ldc >= n, "BLAS.sgemm: ldc \(ldc) is less than the \(n) columns of C")
    precondition(
      k == 0 || a.count >= (aRows - 1) * lda + aCols,
      "BLAS.sgemm: A has \(a.count) elements, too few for \(aRows)x\(aCols) with lda \(lda)")
    precondition(
      k == 0 || b.count >= (bRows - 1) * ldb + bCols,
      "BLAS.sgemm: B has \(b.count) elements, too few for \(bRows)x\(bCols) with ldb \(ldb)")
    precondition(
      c.count >= (m - 1) * ldc + n,
      "BLAS.sgemm: C has \(c.count) elements, too few for \(m)x\(n) with ldc \(ldc)")
    cblas_sgemm(
      CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
      Int32(m), Int32(n), Int32(k), alpha, a.baseAddress, Int32(lda), b.baseAddress, Int32(ldb),
      beta, c.baseAddress, Int32(ldc))
  }
}
