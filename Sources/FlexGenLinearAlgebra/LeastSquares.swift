/// Linear least squares min_x ‖A x − b‖₂ through LAPACKE `dgelsd` (SVD, divide and conquer).
///
/// Contract: A is m×n with m ≥ n and full numerical column rank; singular values below
/// `rcond`·σ_max count as zero (default rcond = max(m, n)·ε, LAPACK's usual choice). A
/// rank-deficient A has infinitely many minimisers, and a fit that silently picks the minimum-norm
/// one hides a modelling error, so `.rankDeficient` is thrown instead. NaN/∞ → `.nonFiniteInput`.
/// Postconditions: `solution` satisfies the normal equations AᵀA x = Aᵀb to O(κ(A)·ε);
/// `residuals` = b − A x; `rank` = n; `singularValues` descending.
public struct LeastSquares: Sendable, Hashable {
    public let solution: [Double]
    public let residuals: [Double]
    public let singularValues: [Double]
    public let rank: Int

    /// Residual sum of squares Σ r_i².
    public var residualSumOfSquares: Double { residuals.reduce(0) { $0 + $1 * $1 } }

    /// σ_max / σ_min (∞ if σ_min is 0).
    public var conditionNumber: Double {
        guard let first = singularValues.first, let last = singularValues.last, last > 0 else { return .infinity }
        return first / last
    }

    public init(_ a: Matrix, _ b: [Double], rcond: Double? = nil) throws(LinearAlgebraError) {
        let m = a.rows, n = a.columns
        guard b.count == m else { throw .dimensionMismatch("least squares: \(m) rows but \(b.count) right-hand sides") }
        guard m >= n, n > 0 else {
            throw .dimensionMismatch("least squares needs at least as many rows as columns, got \(m)×\(n)")
        }
        try LAPACK.requireFinite(a.elements, routine: "dgelsd")
        try LAPACK.requireFinite(b, routine: "dgelsd")
        var storage = a.elements
        var rhs = b // m ≥ n: max(m, n) = m rows, one column
        let result = try LAPACK.dgelsd(&storage, m: m, n: n, &rhs, nrhs: 1,
                                       rcond: rcond ?? Double(max(m, n)) * Double.ulpOfOne)
        guard result.rank == n else { throw .rankDeficient(rank: result.rank, columns: n) }
        solution = Array(rhs.prefix(n))
        singularValues = result.singularValues
        rank = result.rank
        let fitted = BLAS.matmul(a.elements, rows: m, cols: n, solution, bRows: n, bCols: 1)
        residuals = zip(b, fitted).map { $0 - $1 }
    }
}

extension Matrix {
    /// Solves A X = B for symmetric positive definite A (self) by Cholesky, LAPACKE `dposv`.
    /// Throws `.notPositiveDefinite` if a leading minor is not positive, `.nonFiniteInput` for NaN/∞.
    public func solvePositiveDefinite(_ b: Matrix) throws(LinearAlgebraError) -> Matrix {
        guard isSquare, b.rows == rows else {
            throw .dimensionMismatch("SPD solve of a \(rows)×\(columns) matrix with a \(b.rows)×\(b.columns) right side")
        }
        try LAPACK.requireFinite(elements, routine: "dposv")
        try LAPACK.requireFinite(b.elements, routine: "dposv")
        var a = elements
        var x = b.elements
        try LAPACK.dposv(&a, n: rows, &x, nrhs: b.columns)
        return Matrix(rows: b.rows, columns: b.columns, elements: x)
    }
}
