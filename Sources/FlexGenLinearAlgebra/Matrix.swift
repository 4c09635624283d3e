/// A dense real matrix in row-major order, double precision: the value type the LAPACK wrapper
/// takes and returns. Small by design (no views, no operators beyond what the callers need).
public struct Matrix: Sendable, Hashable, CustomStringConvertible {
    public let rows: Int
    public let columns: Int
    /// Entry (i, j) is `elements[i * columns + j]`.
    public var elements: [Double]

    public init(rows: Int, columns: Int, elements: [Double]) {
        precondition(rows >= 0 && columns >= 0, "Matrix: negative dimension")
        precondition(elements.count == rows * columns,
                     "Matrix: \(elements.count) elements for a \(rows)×\(columns) matrix")
        self.rows = rows
        self.columns = columns
        self.elements = elements
    }

    public init(rows: Int, columns: Int, repeating value: Double = 0) {
        self.init(rows: rows, columns: columns, elements: [Double](repeating: value, count: rows * columns))
    }

    /// From nested rows (all of the same length).
    public init(_ nested: [[Double]]) {
        let columns = nested.first?.count ?? 0
        precondition(nested.allSatisfy { $0.count == columns }, "Matrix: ragged rows")
        self.init(rows: nested.count, columns: columns, elements: nested.flatMap { $0 })
    }

    public static func identity(_ n: Int) -> Matrix {
        var m = Matrix(rows: n, columns: n)
        for i in 0..<n { m[i, i] = 1 }
        return m
    }

    /// A diagonal matrix with `diagonal` on its diagonal.
    public static func diagonal(_ diagonal: [Double]) -> Matrix {
        var m = Matrix(rows: diagonal.count, columns: diagonal.count)
        for (i, d) in diagonal.enumerated() { m[i, i] = d }
        return m
    }

    public subscript(row: Int, column: Int) -> Double {
        get { elements[row * columns + column] }
        set { elements[row * columns + column] = newValue }
    }

    public var isSquare: Bool { rows == columns }
    public var isFinite: Bool { elements.allSatisfy(\.isFinite) }

    public var transposed: Matrix {
        var t = Matrix(rows: columns, columns: rows)
        for i in 0..<rows { for j in 0..<columns { t[j, i] = self[i, j] } }
        return t
    }

    /// Σ_i a_ii (square matrices).
    public var trace: Double {
        precondition(isSquare, "trace of a non-square matrix")
        var s = 0.0
        for i in 0..<rows { s += self[i, i] }
        return s
    }

    /// The largest |a_ij − a_ji|, 0 for an exactly symmetric matrix.
    public var asymmetry: Double {
        precondition(isSquare, "asymmetry of a non-square matrix")
        var worst = 0.0
        for i in 0..<rows { for j in (i + 1)..<max(i + 1, columns) { worst = max(worst, abs(self[i, j] - self[j, i])) } }
        return worst
    }

    /// (A + Aᵀ)/2: removes the rounding asymmetry of products such as A·B·A.
    public var symmetrized: Matrix {
        precondition(isSquare, "symmetrizing a non-square matrix")
        var s = self
        for i in 0..<rows { for j in (i + 1)..<columns {
            let m = 0.5 * (self[i, j] + self[j, i])
            s[i, j] = m; s[j, i] = m
        } }
        return s
    }

    /// The matrix product self·other through CBLAS dgemm.
    public func multiplied(by other: Matrix) -> Matrix {
        precondition(columns == other.rows, "Matrix product: \(rows)×\(columns) times \(other.rows)×\(other.columns)")
        let product = BLAS.matmul(elements, rows: rows, cols: columns, other.elements, bRows: other.rows, bCols: other.columns)
        return Matrix(rows: rows, columns: other.columns, elements: product)
    }

    public static func * (lhs: Matrix, rhs: Matrix) -> Matrix { lhs.multiplied(by: rhs) }

    public static func + (lhs: Matrix, rhs: Matrix) -> Matrix {
        precondition(lhs.rows == rhs.rows && lhs.columns == rhs.columns, "Matrix sum: shapes differ")
        return Matrix(rows: lhs.rows, columns: lhs.columns, elements: zip(lhs.elements, rhs.elements).map { $0 + $1 })
    }

    public static func - (lhs: Matrix, rhs: Matrix) -> Matrix {
        precondition(lhs.rows == rhs.rows && lhs.columns == rhs.columns, "Matrix difference: shapes differ")
        return Matrix(rows: lhs.rows, columns: lhs.columns, elements: zip(lhs.elements, rhs.elements).map { $0 - $1 })
    }

    /// max |a_ij|.
    public var maxAbs: Double { elements.reduce(0) { max($0, abs($1)) } }

    public var description: String {
        (0..<rows).map { i in (0..<columns).map { j in "\(self[i, j])" }.joined(separator: " ") }.joined(separator: "\n")
    }
}
