import FlexGenLinearAlgebra
import Foundation

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

    /// The same products timed by the process CPU time (CLOCK_PROCESS_CPUTIME_ID, every thread):
    /// 2n³ / the least CPU seconds of one product. On a shared machine a product can be
    /// preempted in every repeat, which the wall-clock best cannot see past; the CPU time leaves
    /// the preemption out (cache sharing with other processes still slows it).
    public static func peakFlopsPerCPUSecond(size n: Int = 1024, repeats: Int = 10) -> Double {
        precondition(n >= 1 && repeats >= 1)
        let a = (0..<(n * n)).map { Float(($0 % 17) - 8) / 8 }
        let b = (0..<(n * n)).map { Float(($0 % 13) - 6) / 6 }
        var c = [Float](repeating: 0, count: n * n)
        func cpuSeconds() -> Double {
            var ts = timespec()
            clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
            return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
        }
        var best = Double.infinity
        for _ in 0..<repeats {
            let start = cpuSeconds()
            a.withUnsafeBufferPointer { pa in b.withUnsafeBufferPointer { pb in c.withUnsafeMutableBufferPointer { pc in
                BLAS.sgemm(m: n, n: n, k: n, a: pa.baseAddress!, lda: n, b: pb.baseAddress!, ldb: n, c: pc.baseAddress!, ldc: n)
            } } }
            best = min(best, max(cpuSeconds() - start, 1e-9))
        }
        return 2 * Double(n) * Double(n) * Double(n) / best
    }
}
