import Synchronization

/// Bounds the work the service takes on: at most `maxRunning` solves and validations at once
/// (they run on the solve threads, one per core), at most `maxQueued` more waiting for a slot, in
/// arrival order. `acquire` is the only way in:
///
/// - a free slot: admitted at once;
/// - all slots busy, room in the queue: waits, first come first served, until a slot frees, the
///   `deadline` passes (`.queueTimeout`: the request's time limit went by while queued), or the
///   task is cancelled (`CancellationError`: client gone, the waiter leaves the queue);
/// - queue full: refused at once (`.queueFull`), so that an overloaded server answers 503 in
///   microseconds instead of letting the backlog, and every queued request's wait, grow.
///
/// Every admission must be paired with one `release()`; releasing hands the slot to the oldest
/// waiter directly, so a newcomer cannot overtake the queue.
final class SolveAdmission: Sendable {
    let maxRunning: Int
    let maxQueued: Int

    enum Refusal: Error, Equatable { case queueFull, queueTimeout }

    private struct Waiter {
        var id: UInt64
        var continuation: CheckedContinuation<Void, any Error>
    }
    private struct State {
        var running = 0
        var queue: [Waiter] = []
        var nextID: UInt64 = 0
    }
    private let state = Mutex(State())
    private let onChange: @Sendable (_ running: Int, _ queued: Int) -> Void

    init(maxRunning: Int, maxQueued: Int, onChange: @escaping @Sendable (_ running: Int, _ queued: Int) -> Void = { _, _ in }) {
        precondition(maxRunning >= 1 && maxQueued >= 0)
        self.maxRunning = maxRunning
        self.maxQueued = maxQueued
        self.onChange = onChange
    }

    /// Every slot busy and the queue full: `acquire` would refuse now. Read before the body is
    /// decoded, so that a refusal under overload costs no parsing (a decode of a large problem
    /// takes milliseconds of a core that the admitted solves need).
    var isFull: Bool { state.withLock { $0.running >= maxRunning && $0.queue.count >= maxQueued } }

    /// (running, queued) now.
    var load: (running: Int, queued: Int) { state.withLock { ($0.running, $0.queue.count) } }

    /// Returns true when admitted at once, false when admitted after queueing; throws
    /// `Refusal` or `CancellationError` (see the type's contract).
    func acquire(deadline: ContinuousClock.Instant) async throws -> Bool {
        enum Immediate { case admitted, refused, queue(UInt64) }
        let immediate: Immediate = state.withLock { state in
            if state.running < maxRunning {
                state.running += 1
                return .admitted
            }
            guard state.queue.count < maxQueued else { return .refused }
            state.nextID += 1
            return .queue(state.nextID)
        }
        let id: UInt64
        switch immediate {
        case .admitted:
            report()
            return true
        case .refused:
            throw Refusal.queueFull
        case .queue(let queued):
            id = queued
        }
        let timer = Task { [self] in
            try await Task.sleep(until: deadline)
            remove(id, with: Refusal.queueTimeout)
        }
        defer { timer.cancel() }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let cancelled = state.withLock { state in
                    if Task.isCancelled { return true }
                    state.queue.append(Waiter(id: id, continuation: continuation))
                    return false
                }
                if cancelled { continuation.resume(throwing: CancellationError()) } else { report() }
            }
        } onCancel: {
            remove(id, with: CancellationError())
        }
        return false
    }

    /// Gives the slot to the oldest waiter, or frees it.
    func release() {
        let next: Waiter? = state.withLock { state in
            if state.queue.isEmpty {
                state.running -= 1
                return nil
            }
            return state.queue.removeFirst()
        }
        next?.continuation.resume()
        report()
    }

    /// Takes waiter `id` out of the queue (if still there) and fails its wait with `error`.
    private func remove(_ id: UInt64, with error: any Error) {
        let waiter: Waiter? = state.withLock { state in
            guard let index = state.queue.firstIndex(where: { $0.id == id }) else { return nil }
            return state.queue.remove(at: index)
        }
        if let waiter {
            waiter.continuation.resume(throwing: error)
            report()
        }
    }

    private func report() {
        let (running, queued) = load
        onChange(running, queued)
    }
}
