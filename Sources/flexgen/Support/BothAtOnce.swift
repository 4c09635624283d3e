import Foundation

/// Runs two independent pieces of work at the same time (one on the calling thread, one on
/// another) and returns both outcomes. `flexgen check PROBLEM SOLUTION` reads its two files this
/// way: each read is a single-threaded parse, and at 10^5 clients the two together were most of
/// the command's wall time on a two-core machine. The outcomes are returned, not thrown, so that
/// the caller reports errors in the order it always did (the problem's first).
func bothAtOnce<First: Sendable, Second: Sendable>(
    _ first: @Sendable () throws -> First, _ second: @Sendable () throws -> Second
) -> (Result<First, any Error>, Result<Second, any Error>) {
    nonisolated(unsafe) var firstResult: Result<First, any Error>? = nil
    nonisolated(unsafe) var secondResult: Result<Second, any Error>? = nil
    // Each iteration writes only its own variable, and `concurrentPerform` returns after both.
    DispatchQueue.concurrentPerform(iterations: 2) { index in
        if index == 0 {
            firstResult = Result { try first() }
        } else {
            secondResult = Result { try second() }
        }
    }
    return (firstResult!, secondResult!)
}
