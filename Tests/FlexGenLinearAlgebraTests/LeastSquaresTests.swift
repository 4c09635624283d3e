import Foundation
import Testing
@testable import FlexGenLinearAlgebra

@Suite struct LeastSquaresTests {
    @Test func lineFitMatchesNormalEquationsByHand() throws {
        // Fit y = c0 + c1·x to (0,1), (1,3), (2,4), (3,4).
        // Normal equations: [[4, 6], [6, 14]] c = [12, 23]  →  det = 20,
        // c0 = (14·12 − 6·23)/20 = 30/20 = 1.5, c1 = (4·23 − 6·12)/20 = 20/20 = 1.
        let a = Matrix([[1, 0], [1, 1], [1, 2], [1, 3]])
        let fit = try LeastSquares(a, [1, 3, 4, 4])
        #expect(abs(fit.solution[0] - 1.5) < 1e-13)
        #expect(abs(fit.solution[1] - 1.0) < 1e-13)
        // Residuals b − A c = (−0.5, 0.5, 0.5, −0.5), orthogonal to the columns of A.
        let expected = [-0.5, 0.5, 0.5, -0.5]
        #expect(zip(fit.residuals, expected).allSatisfy { abs($0 - $1) < 1e-13 })
        #expect(abs(fit.residualSumOfSquares - 1.0) < 1e-13)
        #expect(fit.rank == 2)
    }

    @Test func exactSystemIsSolvedExactly() throws {
        let fit = try LeastSquares(Matrix([[2, 0], [0, 4]]), [1, 2])
        #expect(abs(fit.solution[0] - 0.5) < 1e-15 && abs(fit.solution[1] - 0.5) < 1e-15)
    }

    @Test func agreesWithCholeskyOnTheNormalEquations() throws {
        // A 7×3 deterministic matrix; compare dgelsd with dposv on AᵀA x = Aᵀb.
        var a = Matrix(rows: 7, columns: 3)
        var b = [Double](repeating: 0, count: 7)
        for i in 0..<7 {
            // cos(k·x_i) for k = 1, 2, 3: independent columns.
            for j in 0..<3 { a[i, j] = cos(Double((i + 1) * (j + 1)) * 0.7) }
            b[i] = sin(Double(i) * 1.3)
        }
        let fit = try LeastSquares(a, b)
        let ata = a.transposed * a
        let atb = a.transposed * Matrix(rows: 7, columns: 1, elements: b)
        let x = try ata.solvePositiveDefinite(atb)
        #expect(zip(fit.solution, x.elements).allSatisfy { abs($0 - $1) < 1e-12 })
    }

    @Test func rankDeficientRejected() {
        // The second column is twice the first.
        #expect(throws: LinearAlgebraError.rankDeficient(rank: 1, columns: 2)) {
            try LeastSquares(Matrix([[1, 2], [2, 4], [3, 6]]), [1, 2, 3])
        }
    }

    @Test func nonFiniteAndBadShapesRejected() {
        #expect(throws: LinearAlgebraError.nonFiniteInput(routine: "dgelsd")) {
            try LeastSquares(Matrix([[1, 0], [0, 1], [1, 1]]), [1, .nan, 2])
        }
        #expect(throws: LinearAlgebraError.nonFiniteInput(routine: "dgelsd")) {
            try LeastSquares(Matrix([[1, .infinity], [0, 1], [1, 1]]), [1, 2, 2])
        }
        #expect(throws: LinearAlgebraError.self) { try LeastSquares(Matrix([[1, 2, 3]]), [1]) } // m < n
        #expect(throws: LinearAlgebraError.self) { try LeastSquares(Matrix([[1], [2]]), [1]) } // b too short
    }

    @Test func choleskyRejectsIndefinite() {
        #expect(throws: LinearAlgebraError.notPositiveDefinite(routine: "dposv", order: 2)) {
            try Matrix([[1, 2], [2, 1]]).solvePositiveDefinite(Matrix([[1], [1]]))
        }
    }

    @Test func checkMapsInfoCodes() {
        #expect(throws: LinearAlgebraError.illegalArgument(routine: "x", index: 4)) {
            try LAPACK.check(-4, routine: "x", positive: .noConvergence)
        }
        #expect(throws: LinearAlgebraError.singular(routine: "x", info: 3)) {
            try LAPACK.check(3, routine: "x", positive: .singular)
        }
        #expect(throws: LinearAlgebraError.noConvergence(routine: "x", info: 1)) {
            try LAPACK.check(1, routine: "x", positive: .noConvergence)
        }
        #expect(throws: Never.self) { try LAPACK.check(0, routine: "x", positive: .singular) }
    }
}
