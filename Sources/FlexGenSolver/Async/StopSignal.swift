import Foundation  // NSLock

/// A one-way "please stop" flag shared between an async caller and a synchronous solve running on
/// another thread. The async entry points set it when their task is cancelled; the solver's
/// iteration loops read it (through `AllocationSettings.shouldStop`) between iterations.
///
/// Thread-safe: `stop()` and `isStopped` may be called from any thread. Once stopped it stays
/// stopped. A lock rather than an atomic keeps the type available on every platform the
/// package lists (macOS 14 has no `Synchronization.Atomic`); it is read once per iteration, so
/// the lock's cost is noise next to an iteration.
public final class StopSignal: @unchecked Sendable, Hashable {
    private let lock = NSLock()
    private var stopped = false

    public init() {}

    /// Identity: settings that hold a signal compare equal only when they hold the same one.
    public static func == (lhs: StopSignal, rhs: StopSignal) -> Bool { lhs === rhs }
    public func hash(into hasher: inout Hasher) { hasher.combine(ObjectIdentifier(self)) }

    /// Asks the work to stop at its next check. Idempotent.
    public func stop() {
        lock.lock()
        stopped = true
        lock.unlock()
    }

    /// Whether `stop()` has been called.
    public var isStopped: Bool {
        lock.lock()
        defer { lock.unlock() }
        return stopped
    }
}
