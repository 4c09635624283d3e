import Synchronization

/// The open connections of one server, shared by every connection's `ConnectionGuard` (they run
/// on different event loops, hence the lock): how many are open against `capacity`
/// (`--max-connections`), and which of them may be closed to admit a new one.
///
/// Admission contract (`admit`):
/// - fewer than `capacity` open: admitted;
/// - otherwise, the *evictable* connection that became evictable longest ago is handed back to
///   be closed, and the new one is admitted in its place. Evictable means the connection holds no
///   request the server is working on: it is waiting for a request, or still receiving one
///   (headers or body). A client that stalls is therefore the one that loses its slot, not the
///   ordinary client that comes next; a request being solved is never evicted;
/// - otherwise (every slot is busy with a request the server is working on): refused, and the
///   caller closes the new connection at once, so that the listener keeps accepting and nothing
///   queues in the kernel's backlog.
///
/// While a victim's close is in flight it still counts as open, so `open` can exceed `capacity`
/// by the evictions in flight (microseconds each); the descriptor reserve covers them
/// (`DescriptorLimit.reserve(forLimit:)`).
///
/// Cost: O(1) amortised per call, O(log n) for the occasional rebuild (a FIFO of tickets with
/// lazy deletion: a connection that stops being evictable leaves a stale ticket that `admit`
/// skips, and the FIFO is rebuilt from the live entries when stale ones pile up).
final class ConnectionTable<Handle: Sendable>: Sendable {
    let capacity: Int

    enum Admission: Sendable {
        case admitted(id: UInt64, evicting: Handle?)
        case refused
    }

    private struct Entry { var ticket: UInt64; var handle: Handle }
    private struct State {
        var open = 0
        var nextID: UInt64 = 0
        var nextTicket: UInt64 = 0
        var evictable: [UInt64: Entry] = [:]
        var queue: [(ticket: UInt64, id: UInt64)] = []
        var queueStart = 0
    }
    private let state = Mutex(State())

    init(capacity: Int) {
        precondition(capacity >= 1, "a connection table needs room for one connection")
        self.capacity = capacity
    }

    /// Connections admitted and not yet `remove`d.
    var openCount: Int { state.withLock { $0.open } }

    func admit() -> Admission {
        state.withLock { state in
            var victim: Handle?
            if state.open >= capacity {
                while state.queueStart < state.queue.count, victim == nil {
                    let (ticket, id) = state.queue[state.queueStart]
                    state.queueStart += 1
                    if let entry = state.evictable[id], entry.ticket == ticket {
                        state.evictable[id] = nil
                        victim = entry.handle
                    }
                }
                if state.queueStart > 1024, state.queueStart * 2 > state.queue.count {
                    state.queue.removeFirst(state.queueStart)
                    state.queueStart = 0
                }
                guard victim != nil else { return .refused }
            }
            state.open += 1
            state.nextID += 1
            return .admitted(id: state.nextID, evicting: victim)
        }
    }

    /// The connection `id` now holds no request the server works on (newly open, idle, or
    /// receiving a request); it goes to the back of the eviction order. Calling it again moves
    /// it to the back again.
    func markEvictable(_ id: UInt64, handle: Handle) {
        state.withLock { state in
            state.nextTicket += 1
            state.evictable[id] = Entry(ticket: state.nextTicket, handle: handle)
            state.queue.append((state.nextTicket, id))
            // Stale tickets are otherwise only skipped by `admit` at the cap: below it, every
            // response on a kept-alive connection would grow the queue for ever. Rebuilt from the
            // live entries once stale ones outnumber them (O(n log n) per n appends).
            if state.queue.count - state.queueStart > 2 * state.evictable.count + 1024 {
                state.queue = state.evictable.map { (ticket: $0.value.ticket, id: $0.key) }.sorted { $0.ticket < $1.ticket }
                state.queueStart = 0
            }
        }
    }

    /// Tickets held in the eviction queue, live and stale (bounded by 3 × evictable + 1024).
    var queuedTickets: Int { state.withLock { $0.queue.count - $0.queueStart } }

    /// The connection `id` delivered a whole request: the server is working on it.
    func markBusy(_ id: UInt64) {
        state.withLock { _ = $0.evictable.removeValue(forKey: id) }
    }

    /// The connection `id` (admitted) closed.
    func remove(_ id: UInt64) {
        state.withLock { state in
            state.open -= 1
            state.evictable[id] = nil
        }
    }
}
