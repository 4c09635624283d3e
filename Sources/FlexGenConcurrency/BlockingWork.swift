import Foundation  // Thread, NSCondition

/// Runs long synchronous work (a solve) off Swift's cooperative thread pool and awaits its result.
///
/// Why: the cooperative pool has one thread per core; a solve that blocks one of them for
/// seconds starves every other task of the process (an HTTP server's event handling included).
/// Dispatch's global queues are no way out on Linux: the default executor runs on them too, with
/// the same thread limit, so blocking work there starves tasks just the same (a test shows it).
/// The work therefore runs on a small pool of dedicated threads — one per core, each with an
/// 8 MiB stack — and resumes the caller's continuation when done. At most one solve per core runs
/// at a time; the rest wait in FIFO order, so 50 concurrent requests do not start 50 threads.
///
/// Cancellation: cancelling the awaiting task sets the `StopSignal` handed to the work; the work
/// decides when to look at it (the solver: between iterations). Work still waiting in the queue
/// is withdrawn at once and `run` throws `CancellationError` without running it, so a cancelled
/// request never waits for other solves. Work that has started is never abandoned: `run` waits
/// for it to return, so nothing outlives the call.
public enum BlockingWork {
    /// Created on first use and never reconfigured: a shared resource, not mutable global state.
    private static let pool = WorkerPool(threads: max(2, ProcessInfo.processInfo.activeProcessorCount))

    /// Runs `work` on the worker threads with a fresh `StopSignal` that is stopped when the
    /// calling task is cancelled (immediately, if it already is). Returns or rethrows what `work` does.
    public static func run<T: Sendable>(
        _ work: @escaping @Sendable (StopSignal) throws -> T
    ) async throws -> T {
        let signal = StopSignal()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
                pool.submit(signal: signal,
                            run: { continuation.resume(with: Result { try work(signal) }) },
                            withdrawn: { continuation.resume(throwing: CancellationError()) })
            }
        } onCancel: {
            signal.stop()
            pool.withdraw(signal)
        }
    }
}

/// A fixed set of threads taking jobs from one FIFO queue. Each job is keyed by its `StopSignal`
/// so that a cancelled job can be withdrawn before it starts; a job is either run or withdrawn,
/// never both (both happen under the queue's lock).
final class WorkerPool: @unchecked Sendable {
    private struct Job {
        let signal: StopSignal
        let run: @Sendable () -> Void
        let withdrawn: @Sendable () -> Void
    }
    private let condition = NSCondition()
    private var jobs: [Job] = []
    private var head = 0

    init(threads: Int) {
        for index in 0..<threads {
            let thread = Thread { [unowned self] in self.serve() }
            thread.name = "flexgen-solve-\(index)"
            thread.stackSize = 8 << 20
            thread.start()
        }
    }

    func submit(signal: StopSignal, run: @escaping @Sendable () -> Void, withdrawn: @escaping @Sendable () -> Void) {
        if signal.isStopped { withdrawn(); return }  // cancelled before it was queued
        condition.lock()
        jobs.append(Job(signal: signal, run: run, withdrawn: withdrawn))
        condition.signal()
        condition.unlock()
    }

    /// Removes the queued job of `signal`, if it has not started, and calls its `withdrawn`.
    func withdraw(_ signal: StopSignal) {
        condition.lock()
        var removed: Job?
        if let index = jobs[head...].firstIndex(where: { $0.signal === signal }) {
            removed = jobs.remove(at: index)
            if head == jobs.count { jobs.removeAll(keepingCapacity: true); head = 0 }
        }
        condition.unlock()
        removed?.withdrawn()
    }

    private func serve() {
        while true {
            condition.lock()
            while head == jobs.count { condition.wait() }
            let job = jobs[head]
            head += 1
            if head == jobs.count { jobs.removeAll(keepingCapacity: true); head = 0 }
            condition.unlock()
            job.run()
        }
    }
}
