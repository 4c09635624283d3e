import Foundation
import Synchronization

/// The clients cut into chunks of a fixed size, evaluated on up to `threads` threads.
///
/// The per-client work of a price sweep (`PriceSearch.sweep`, `FeasibilityFrontier.WarmStart.sums`)
/// is independent across clients, and at 10⁵ clients it is most of a solve. The chunks do not
/// depend on the thread count and come back in chunk order, so a caller that adds their partial
/// sums in that order gets the same bits on any number of threads: the thread count changes the
/// wall time only. With one chunk (at most `size` clients) the result is the plain loop's.
enum ClientChunks {
    /// Clients per chunk: 10⁴ clients make 10 chunks, so that two threads share them evenly, and a
    /// chunk's work (1 024 root searches of a few logarithms and exponentials each) dwarfs taking
    /// it from the counter (one lock) and, per call, starting a thread.
    static let size = 1024

    /// `body` on every chunk's index range, in chunk order. `threads` ≤ 1 runs on the caller's
    /// thread alone; more hands the chunks out one at a time to that many workers (the caller and
    /// `threads` − 1 threads started for the call, at most one worker per chunk), so a slow chunk
    /// does not hold up the others. `body` may run concurrently with itself on disjoint ranges: it
    /// must only write what its range owns. It is escaping only because the worker threads hold it
    /// until they end (after this returns); it is not called after this returns.
    static func map<Partial>(count: Int, threads: Int, _ body: @escaping (Range<Int>) -> Partial) -> [Partial] {
        let chunkCount = (max(count, 0) + size - 1) / size
        let workers = min(max(threads, 1), chunkCount)
        if workers <= 1 { return (0..<chunkCount).map { body(range($0, of: count)) } }
        let results = UnsafeMutableBufferPointer<Partial?>.allocate(capacity: chunkCount)
        results.initialize(repeating: nil)
        defer {
            results.deinitialize()
            results.deallocate()
        }
        let next = ChunkCounter()
        // The workers write disjoint slots and `body` is documented to touch only its own range;
        // every worker is joined before the call returns, so nothing is used after it.
        let shared = UncheckedSendable((body: body, results: results, next: next))
        let work: @Sendable () -> Void = {
            while true {
                let chunk = shared.value.next.take()
                guard chunk < chunkCount else { return }
                shared.value.results[chunk] = shared.value.body(range(chunk, of: count))
            }
        }
        // Threads of its own, not Dispatch's global queues: on Linux Swift's default executor runs
        // on those, and a solve inside `AsyncSolver` must not take them from every task.
        let finished = DispatchSemaphore(value: 0)
        for _ in 1..<workers {
            Thread {
                work()
                finished.signal()
            }.start()
        }
        work()
        for _ in 1..<workers { finished.wait() }
        return results.compactMap { $0 }
    }

    static func range(_ chunk: Int, of count: Int) -> Range<Int> { chunk * size..<min(count, (chunk + 1) * size) }
}

/// The next chunk to hand out.
private final class ChunkCounter: Sendable {
    private let next = Mutex(0)

    func take() -> Int {
        next.withLock { value in
            defer { value += 1 }
            return value
        }
    }
}

/// A value handed to `ClientChunks.map`'s worker threads, whose safety `map` argues itself
/// (disjoint writes, no use after the call).
private struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
