import Foundation  // Thread, NSCondition

/// One synchronous computation on its own thread, started at once, whose result a later `wait()`
/// collects. `calibrate --theory --model fashion` measures the ε-profile this way while the grid
/// samples: both are single-threaded and independent, so on a shared 2-core machine they finish
/// in about the time of the longer one instead of the sum.
final class BackgroundComputation<T: Sendable>: @unchecked Sendable {
    // `result` is only touched under `condition`; that is what makes the class safe to share.
    private let condition = NSCondition()
    private var result: Result<T, any Error>?

    init(_ work: @escaping @Sendable () throws -> T) {
        let thread = Thread { [self] in
            let outcome = Result { try work() }
            condition.lock()
            result = outcome
            condition.signal()
            condition.unlock()
        }
        thread.stackSize = 8 << 20
        thread.start()
    }

    /// Blocks until the work has finished; returns its value or rethrows its error.
    func wait() throws -> T {
        condition.lock()
        while result == nil { condition.wait() }
        let outcome = result!
        condition.unlock()
        return try outcome.get()
    }
}
