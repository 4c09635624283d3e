import Dispatch

/// Runs long synchronous work (a solve) off Swift's cooperative thread pool and awaits its result.
///
/// Why: the cooperative pool has one thread per core; a solve that blocks one of them for
/// seconds starves every other task of the process (an HTTP server's event handling included).
/// The work runs on a private concurrent Dispatch queue instead and resumes the caller's
/// continuation when done. The queue targets the default global queue, which is not
/// over-committing: about one solve runs per core at a time and the rest wait in the queue, so
/// 50 concurrent requests do not start 50 threads.
///
/// Cancellation: cancelling the awaiting task sets the `StopSignal` handed to the work; the work
/// decides when to look at it (the solver: between iterations). `run` itself never abandons the
/// work — it always waits for it to return, so nothing outlives the call.
public enum BlockingWork {
    /// Immutable: the queue is created once and never reconfigured, so this is no mutable global state.
    private static let queue = DispatchQueue(label: "flexgen.blocking-work", attributes: .concurrent)

    /// Runs `work` on the blocking-work queue with a fresh `StopSignal` that is stopped when the
    /// calling task is cancelled (immediately, if it already is). Returns or rethrows what `work` does.
    public static func run<T: Sendable>(
        _ work: @escaping @Sendable (StopSignal) throws -> T
    ) async throws -> T {
        let signal = StopSignal()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
                queue.async {
                    continuation.resume(with: Result { try work(signal) })
                }
            }
        } onCancel: {
            signal.stop()
        }
    }
}
