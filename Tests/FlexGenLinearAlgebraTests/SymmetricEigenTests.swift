import Foundation
import Testing
@testable import FlexGenLinearAlgebra

@Suite struct SymmetricEigenTests {
    @Test func knownEigenpairsOfTwoByTwo() throws {
        // [[2,1],[1,2]] has eigenvalues 1 and 3 with eigenvectors (1,−1)/√2 and (1,1)/√2.
        let e = try SymmetricEigen(Matrix([[2, 1], [1, 2]]))
        #expect(abs(e.values[0] - 1) < 1e-14 && abs(e.values[1] - 3) < 1e-14)
        let v0 = (e.vectors[0, 0], e.vectors[1, 0]), v1 = (e.vectors[0, 1], e.vectors[1, 1])
        let r = 1 / 2.0.squareRoot()
        #expect(abs(abs(v0.0) - r) < 1e-14 && abs(v0.0 + v0.1) < 1e-14) // ∝ (1, −1)
        #expect(abs(abs(v1.0) - r) < 1e-14 && abs(v1.0 - v1.1) < 1e-14) // ∝ (1, 1)
    }

    @Test func diagonalMatrixGivesSortedDiagonal() throws {
        let e = try SymmetricEigen(.diagonal([5, -2, 0, 7]))
        #expect(e.values == [-2, 0, 5, 7])
    }

    @Test func reconstructionAndOrthogonality() throws {
        // A deterministic symmetric 6×6 matrix: A = B + Bᵀ with B_ij = sin(i·7 + j·3).
        let n = 6
        var a = Matrix(rows: n, columns: n)
        for i in 0..<n { for j in 0..<n { a[i, j] = sin(Double(i * 7 + j * 3)) + sin(Double(j * 7 + i * 3)) } }
        let e = try SymmetricEigen(a)
        #expect((e.reconstructed() - a).maxAbs < 1e-13)
        #expect((e.vectors.transposed * e.vectors - .identity(n)).maxAbs < 1e-13)
        #expect(zip(e.values, e.values.dropFirst()).allSatisfy { $0 <= $1 })
        // Trace is the sum of the eigenvalues.
        #expect(abs(e.values.reduce(0, +) - a.trace) < 1e-13)
    }

    @Test func emptyMatrix() throws {
        let e = try SymmetricEigen(Matrix(rows: 0, columns: 0))
        #expect(e.values.isEmpty)
    }

    @Test func nonFiniteAndNonSquareRejected() {
        #expect(throws: LinearAlgebraError.nonFiniteInput(routine: "dsyevd")) {
            try SymmetricEigen(Matrix([[1, .nan], [.nan, 1]]))
        }
        #expect(throws: LinearAlgebraError.nonFiniteInput(routine: "dsyevd")) {
            try SymmetricEigen(Matrix([[.infinity, 0], [0, 1]]))
        }
        #expect(throws: LinearAlgebraError.self) { try SymmetricEigen(Matrix(rows: 2, columns: 3)) }
    }

    @Test func psdSquareRootSquaresBack() throws {
        // A = [[4, 2], [2, 3]] is SPD; its root S satisfies S·S = A and S = Sᵀ.
        let a = Matrix([[4, 2], [2, 3]])
        let s = try a.psdSquareRoot()
        #expect((s * s - a).maxAbs < 1e-13)
        #expect(s.asymmetry == 0)
        // Diagonal case by hand.
        let d = try Matrix.diagonal([9, 0, 0.25]).psdSquareRoot()
        #expect((d - .diagonal([3, 0, 0.5])).maxAbs < 1e-15)
        #expect(abs(try Matrix.diagonal([9, 0, 0.25]).psdTraceOfSquareRoot() - 3.5) < 1e-15)
    }

    @Test func psdSquareRootClampsRoundingButRejectsIndefinite() throws {
        // A rank-one PSD matrix v vᵀ: its zero eigenvalues come out as ±rounding and must be clamped.
        let v = [0.3, -1.7, 2.2, 0.1]
        var a = Matrix(rows: 4, columns: 4)
        for i in 0..<4 { for j in 0..<4 { a[i, j] = v[i] * v[j] } }
        let s = try a.psdSquareRoot()
        #expect((s * s - a).maxAbs < 1e-12)
        #expect(s.isFinite)
        // A clearly indefinite matrix is refused, not rooted.
        #expect(throws: LinearAlgebraError.self) { try Matrix([[1, 0], [0, -0.5]]).psdSquareRoot() }
    }
}
