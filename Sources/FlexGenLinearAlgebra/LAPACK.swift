import CLAPACK

/// The thin layer over LAPACKE: every call's `info` goes through `check`, which turns LAPACK's
/// conventions (0 success, −i argument i illegal, +i a routine-specific failure) into
/// `LinearAlgebraError`. Inputs are checked for NaN/∞ *before* the call, because LAPACK's own
/// behaviour on non-finite data is undefined (it may loop, or return garbage with info = 0).
enum LAPACK {
    /// What a positive `info` means for the routine at hand.
    enum PositiveInfo {
        case noConvergence, singular, notPositiveDefinite
    }

    static func check(_ info: Int32, routine: String, positive: PositiveInfo) throws(LinearAlgebraError) {
        let code = Int(info)
        if code == 0 { return }
        if code == Int(LAPACK_WORK_MEMORY_ERROR) || code == Int(LAPACK_TRANSPOSE_MEMORY_ERROR) {
            throw .outOfMemory(routine: routine)
        }
        if code < 0 { throw .illegalArgument(routine: routine, index: -code) }
        switch positive {
        case .noConvergence: throw .noConvergence(routine: routine, info: code)
        case .singular: throw .singular(routine: routine, info: code)
        case .notPositiveDefinite: throw .notPositiveDefinite(routine: routine, order: code)
        }
    }

    static func requireFinite(_ values: [Double], routine: String) throws(LinearAlgebraError) {
        for v in values where !v.isFinite { throw .nonFiniteInput(routine: routine) }
    }

    static func int32(_ n: Int) -> Int32 {
        precondition(n >= 0 && n <= Int(Int32.max), "LAPACK: dimension \(n) out of Int32 range")
        return Int32(n)
    }

    static let upper = CChar(UInt8(ascii: "U"))
    static let vectors = CChar(UInt8(ascii: "V"))

    /// dsyevd: eigenvalues (ascending) and orthonormal eigenvectors of the symmetric n×n `a`
    /// (row-major; only the upper triangle is read). On return `a` holds the eigenvectors as columns.
    static func dsyevd(_ a: inout [Double], n: Int) throws(LinearAlgebraError) -> [Double] {
        var w = [Double](repeating: 0, count: n)
        guard n > 0 else { return w }
        let info = a.withUnsafeMutableBufferPointer { pa in
            w.withUnsafeMutableBufferPointer { pw in
                LAPACKE_dsyevd(LAPACK_ROW_MAJOR, vectors, upper, int32(n), pa.baseAddress, int32(n), pw.baseAddress)
            }
        }
        try check(info, routine: "dsyevd", positive: .noConvergence)
        return w
    }

    /// dgelsd: minimum-norm least squares through the SVD. `a` is m×n, `b` is max(m,n)×nrhs
    /// (row-major); returns the singular values and the effective rank at `rcond`.
    static func dgelsd(_ a: inout [Double], m: Int, n: Int, _ b: inout [Double], nrhs: Int,
                       rcond: Double) throws(LinearAlgebraError) -> (singularValues: [Double], rank: Int) {
        var s = [Double](repeating: 0, count: max(1, min(m, n)))
        var rank: Int32 = 0
        let info = a.withUnsafeMutableBufferPointer { pa in
            b.withUnsafeMutableBufferPointer { pb in
                s.withUnsafeMutableBufferPointer { ps in
                    LAPACKE_dgelsd(LAPACK_ROW_MAJOR, int32(m), int32(n), int32(nrhs), pa.baseAddress, int32(max(1, n)),
                                   pb.baseAddress, int32(max(1, nrhs)), ps.baseAddress, rcond, &rank)
                }
            }
        }
        try check(info, routine: "dgelsd", positive: .noConvergence)
        return (Array(s.prefix(min(m, n))), Int(rank))
    }

    /// dposv: solves A X = B for symmetric positive definite n×n `a` by Cholesky; `b` is n×nrhs.
    static func dposv(_ a: inout [Double], n: Int, _ b: inout [Double], nrhs: Int) throws(LinearAlgebraError) {
        guard n > 0 else { return }
        let info = a.withUnsafeMutableBufferPointer { pa in
            b.withUnsafeMutableBufferPointer { pb in
                LAPACKE_dposv(LAPACK_ROW_MAJOR, upper, int32(n), int32(nrhs), pa.baseAddress, int32(n),
                              pb.baseAddress, int32(max(1, nrhs)))
            }
        }
        try check(info, routine: "dposv", positive: .notPositiveDefinite)
    }
}
