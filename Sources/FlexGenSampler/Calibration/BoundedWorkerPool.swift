import Foundation  // Thread, NSCondition

/// Runs independent jobs on at most `workers` threads of its own and hands every result back on
/// the calling thread, keyed by job index.
///
/// Contract: `body(i)` is called exactly once for every i in `order` (which must be a permutation
/// of 0..<order.count), in that order of *starting*, unless a job throws: then no further job
/// starts, the running ones finish, and the error of the lowest-indexed failed job is rethrown.
/// `completed(i, result)` runs on the calling thread (so it needs no synchronisation), in order
/// of completion. With `workers == 1` every job runs on the calling thread, in `order`.
/// Results never depend on `workers`: each job's inputs are fixed by its index.
///
/// Why its own threads: the jobs are long and synchronous (a batch of diffusion sampling), which
/// would block Swift's cooperative pool; dispatch's global queues share that pool's limit on
/// Linux (Sources/FlexGenConcurrency/BlockingWork.swift explains).
enum BoundedWorkerPool {
    static func run<T: Sendable>(order: [Int], workers: Int, body: @escaping @Sendable (Int) throws -> T,
                                 completed: (Int, T) -> Void) throws {
        precondition(workers >= 1, "BoundedWorkerPool: workers must be ≥ 1")
        precondition(Set(order).count == order.count && order.allSatisfy { (0..<order.count).contains($0) },
                     "BoundedWorkerPool: order must be a permutation of the job indices")
        if workers == 1 || order.count <= 1 {
            for job in order { completed(job, try body(job)) }
            return
        }
        let board = JobBoard<T>(order: order, workers: min(workers, order.count))
        for index in 0..<board.running {
            let thread = Thread { board.work(body) }
            thread.name = "flexgen-calibrate-\(index)"
            thread.stackSize = 8 << 20
            thread.start()
        }
        var failure: (job: Int, error: any Error)?
        for (job, result) in board.drain() {
            switch result {
            case .success(let value): completed(job, value)
            case .failure(let error): if failure == nil || job < failure!.job { failure = (job, error) }
            }
        }
        if let failure { throw failure.error }
    }
}

/// The shared state of one `BoundedWorkerPool.run`: the next job to hand out and the finished
/// ones not yet collected, both under one condition lock.
private final class JobBoard<T: Sendable>: @unchecked Sendable {
    private let condition = NSCondition()
    private let order: [Int]
    private var next = 0
    private var stopped = false
    private(set) var running: Int
    private var finished: [(Int, Result<T, any Error>)] = []

    init(order: [Int], workers: Int) {
        self.order = order
        running = workers
    }

    /// A worker thread's loop: take the next job, run it outside the lock, post its result.
    func work(_ body: (Int) throws -> T) {
        while true {
            condition.lock()
            guard !stopped, next < order.count else {
                running -= 1
                condition.broadcast()
                condition.unlock()
                return
            }
            let job = order[next]
            next += 1
            condition.unlock()
            let result = Result { try body(job) }
            condition.lock()
            if case .failure = result { stopped = true }
            finished.append((job, result))
            condition.broadcast()
            condition.unlock()
        }
    }

    /// Yields finished jobs to the caller as they arrive, until every worker has exited.
    func drain() -> AnySequence<(Int, Result<T, any Error>)> {
        AnySequence(AnyIterator { [self] in
            condition.lock()
            defer { condition.unlock() }
            while finished.isEmpty && running > 0 { condition.wait() }
            return finished.isEmpty ? nil : finished.removeFirst()
        })
    }
}
