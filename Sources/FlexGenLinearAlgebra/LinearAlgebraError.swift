/// Every failure of the LAPACK wrapper, one enum for the domain. Thrown for bad input (wrong
/// shapes, non-finite entries) and for mathematical outcomes the caller must handle (a singular or
/// indefinite matrix, an iteration that did not converge); never for programming errors inside the
/// wrapper itself, which are preconditions.
public enum LinearAlgebraError: Error, Sendable, Hashable, CustomStringConvertible {
    /// LAPACK rejected argument number `index` (1-based, LAPACKE numbering) of `routine`.
    case illegalArgument(routine: String, index: Int)
    /// The iterative part of `routine` did not converge (`info` > 0 for an eigen/SVD solver).
    case noConvergence(routine: String, info: Int)
    /// The matrix is singular: a zero pivot / diagonal entry at 1-based position `info`.
    case singular(routine: String, info: Int)
    /// The leading minor of order `order` is not positive (Cholesky).
    case notPositiveDefinite(routine: String, order: Int)
    /// A least-squares matrix whose numerical rank is below its column count.
    case rankDeficient(rank: Int, columns: Int)
    /// An eigenvalue more negative than rounding can explain, for a matrix claimed to be PSD.
    case notPositiveSemidefinite(smallestEigenvalue: Double, tolerance: Double)
    /// An input entry is NaN or ±∞.
    case nonFiniteInput(routine: String)
    /// Shapes that do not fit together.
    case dimensionMismatch(String)
    /// LAPACKE could not allocate its workspace.
    case outOfMemory(routine: String)

    public var description: String {
        switch self {
        case .illegalArgument(let routine, let index):
            "\(routine): argument \(index) has an illegal value"
        case .noConvergence(let routine, let info):
            "\(routine): the algorithm failed to converge (info = \(info))"
        case .singular(let routine, let info):
            "\(routine): the matrix is singular (zero pivot at position \(info))"
        case .notPositiveDefinite(let routine, let order):
            "\(routine): the leading minor of order \(order) is not positive definite"
        case .rankDeficient(let rank, let columns):
            "least squares: the matrix has numerical rank \(rank) < \(columns) columns; the fit is not unique"
        case .notPositiveSemidefinite(let smallest, let tolerance):
            "matrix is not positive semidefinite: eigenvalue \(smallest) is below −\(tolerance)"
        case .nonFiniteInput(let routine):
            "\(routine): the input contains NaN or infinity"
        case .dimensionMismatch(let message):
            "dimension mismatch: \(message)"
        case .outOfMemory(let routine):
            "\(routine): LAPACKE could not allocate its workspace"
        }
    }
}
