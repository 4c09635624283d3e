/// The eigendecomposition A = V Λ Vᵀ of a real symmetric matrix (LAPACKE `dsyevd`,
/// divide and conquer).
///
/// Contract: `values` ascending; `vectors` orthogonal with eigenvector i in column i.
/// Accuracy (LAPACK's backward-stable bound): |λ̂_i − λ_i| ≲ p(n)·ε·‖A‖₂ and
/// ‖V̂ Λ̂ V̂ᵀ − A‖ ≲ p(n)·ε·‖A‖ with modest p(n). Only the upper triangle of A is read, so an
/// input that is symmetric only up to rounding is treated as its upper triangle mirrored.
/// Throws `.nonFiniteInput` for NaN/∞, `.dimensionMismatch` for a non-square matrix,
/// `.noConvergence` if LAPACK's iteration fails (info > 0).
public struct SymmetricEigen: Sendable, Hashable {
    public let values: [Double]
    public let vectors: Matrix

    public init(_ a: Matrix) throws(LinearAlgebraError) {
        guard a.isSquare else { throw .dimensionMismatch("eigendecomposition of a \(a.rows)×\(a.columns) matrix") }
        try LAPACK.requireFinite(a.elements, routine: "dsyevd")
        var storage = a.elements
        values = try LAPACK.dsyevd(&storage, n: a.rows)
        vectors = Matrix(rows: a.rows, columns: a.rows, elements: storage)
    }

    /// V f(Λ) Vᵀ: the matrix function `f` applied through the eigenvalues.
    public func reconstructed(applying f: (Double) -> Double = { $0 }) -> Matrix {
        let n = values.count
        var scaled = vectors // columns scaled by f(λ_j)
        for j in 0..<n {
            let fj = f(values[j])
            for i in 0..<n { scaled[i, j] *= fj }
        }
        return (scaled * vectors.transposed).symmetrized
    }
}

extension Matrix {
    /// The symmetric positive semidefinite square root S = V diag(√λ) Vᵀ, so S·S = A and S = Sᵀ ⪰ 0.
    ///
    /// A PSD matrix computed in floating point (a covariance, or B·A·B for PSD A) can have
    /// eigenvalues slightly below zero: dsyevd's error is about n·ε·‖A‖₂, so eigenvalues ≥ −tolerance
    /// with tolerance = `relativeTolerance`·max(1, λ_max) (default 1e3·n·ε relative; 1e3 covers the
    /// rounding of forming the matrix itself) are clamped to 0 — they are zero eigenvalues blurred
    /// by rounding. A more negative eigenvalue means the input is not PSD:
    /// `.notPositiveSemidefinite` is thrown rather than silently returning a wrong root.
    public func psdSquareRoot(relativeTolerance: Double? = nil) throws(LinearAlgebraError) -> Matrix {
        let eigen = try SymmetricEigen(self)
        try Matrix.psdTolerance(eigen.values, relativeTolerance: relativeTolerance)
        return eigen.reconstructed { $0 > 0 ? $0.squareRoot() : 0 }
    }

    /// tr(A^{1/2}) = Σ √λ_i for a PSD matrix, with the same clamping rule as `psdSquareRoot`.
    public func psdTraceOfSquareRoot(relativeTolerance: Double? = nil) throws(LinearAlgebraError) -> Double {
        let eigen = try SymmetricEigen(self)
        try Matrix.psdTolerance(eigen.values, relativeTolerance: relativeTolerance)
        return eigen.values.reduce(0) { $0 + ($1 > 0 ? $1.squareRoot() : 0) }
    }

    /// The clamping tolerance for `values` (ascending); throws when the smallest is below −tolerance.
    @discardableResult
    static func psdTolerance(_ values: [Double], relativeTolerance: Double?) throws(LinearAlgebraError) -> Double {
        guard let smallest = values.first, let largest = values.last else { return 0 }
        let relative = relativeTolerance ?? 1e3 * Double(values.count) * Double.ulpOfOne
        let tolerance = relative * max(1, abs(largest))
        if smallest < -tolerance { throw .notPositiveSemidefinite(smallestEigenvalue: smallest, tolerance: tolerance) }
        return tolerance
    }
}
