import CLAPACK

/// Dense matrix products through CBLAS (OpenBLAS). Row-major throughout, as Swift arrays are laid out.
///
/// Contract: `C ← α·op(A)·op(B) + β·C` with op(X) = X or Xᵀ; `op(A)` is m×k, `op(B)` is k×n,
/// `C` is m×n; `lda`, `ldb`, `ldc` are the row strides of the matrices *as stored*.
/// Preconditions (checked): m, n, k ≥ 0 and the leading dimensions fit the stored shapes.
/// Results match a naive triple loop to the usual summation error, O(k·ε·Σ|a||b|).
public enum BLAS {
    public static func sgemm(
        transposeA: Bool = false, transposeB: Bool = false,
        m: Int, n: Int, k: Int,
        alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int,
        beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        checkShapes(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, lda: lda, ldb: ldb, ldc: ldc)
        guard m > 0, n > 0 else { return }
        cblas_sgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    public static func dgemm(
        transposeA: Bool = false, transposeB: Bool = false,
        m: Int, n: Int, k: Int,
        alpha: Double = 1, a: UnsafePointer<Double>, lda: Int,
        b: UnsafePointer<Double>, ldb: Int,
        beta: Double = 0, c: UnsafeMutablePointer<Double>, ldc: Int
    ) {
        checkShapes(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, lda: lda, ldb: ldb, ldc: ldc)
        guard m > 0, n > 0 else { return }
        cblas_dgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    /// Convenience over arrays: returns op(A)·op(B) for row-major `a` (rows×cols as stored) and `b`.
    public static func matmul(_ a: [Double], rows: Int, cols: Int, transposeA: Bool = false,
                              _ b: [Double], bRows: Int, bCols: Int, transposeB: Bool = false) -> [Double] {
        precondition(a.count == rows * cols && b.count == bRows * bCols, "matmul: array sizes do not match shapes")
        let m = transposeA ? cols : rows, k = transposeA ? rows : cols
        let kb = transposeB ? bCols : bRows, n = transposeB ? bRows : bCols
        precondition(k == kb, "matmul: inner dimensions \(k) and \(kb) differ")
        var c = [Double](repeating: 0, count: m * n)
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                c.withUnsafeMutableBufferPointer { pc in
                    dgemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                          a: pa.baseAddress!, lda: max(cols, 1), b: pb.baseAddress!, ldb: max(bCols, 1),
                          c: pc.baseAddress!, ldc: max(n, 1))
                }
            }
        }
        return c
    }

    private static func checkShapes(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
                                    lda: Int, ldb: Int, ldc: Int) {
        precondition(m >= 0 && n >= 0 && k >= 0, "gemm: negative dimension")
        precondition(lda >= max(1, transposeA ? m : k), "gemm: lda too small")
        precondition(ldb >= max(1, transposeB ? k : n), "gemm: ldb too small")
        precondition(ldc >= max(1, n), "gemm: ldc too small")
        precondition(m <= Int(Int32.max) && n <= Int(Int32.max) && k <= Int(Int32.max), "gemm: dimension exceeds Int32")
    }
}
