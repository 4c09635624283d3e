import FlexGenLinearAlgebra

/// Measures this machine's single-precision matrix-multiply rate through the same CBLAS sgemm
/// the sampler uses: the best of `repeats` products of two n×n matrices, 2n³ FLOP each.
/// The best (not the mean) is reported because it is the attainable peak; interference from
/// other processes only slows runs down.
public enum SgemmBenchmark {
    public static func peakFlopsPerSecond(size n: Int = 1024, repeats: Int = 10) -> Double {
        precondition(n >= 1 && repeats >= 1)
        let a = (0..<(n * n)).map { Float(($0 % 17) - 8) / 8 }
        let b = (0..<(n * n)).map { Float(($0 % 13) - 6) / 6 }
        var c = [Float](repeating: 0, count: n * n)
        let clock = ContinuousClock()
        var best = Double.infinity
        for _ in 0..<repeats {
            let t = clock.measure {
                a.withUnsafeBufferPointer { pa in b.withUnsafeBufferPointer { pb in c.withUnsafeMutableBufferPointer { pc in
                    BLAS.sgemm(m: n, n: n, k: n, a: pa.baseAddress!, lda: n, b: pb.baseAddress!, ldb: n, c: pc.baseAddress!, ldc: n)
                } } }
            }
            best = min(best, t.seconds)
        }
        return 2 * Double(n) * Double(n) * Double(n) / best
    }
}
