#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The process's limit on open file descriptors (`RLIMIT_NOFILE`), which bounds how many
/// connections the service can hold: every connection is a descriptor, and so is every file the
/// solver, the sampler and the runtime open.
public struct DescriptorLimit: Sendable, Hashable, CustomStringConvertible {
    /// The limit in force (`ulimit -Sn`).
    public var soft: Int
    /// The ceiling an unprivileged process may raise `soft` to (`ulimit -Hn`).
    public var hard: Int

    public init(soft: Int, hard: Int) {
        self.soft = soft
        self.hard = hard
    }

    public var description: String { "soft \(soft), hard \(hard)" }

    /// The current limit, or nil where it cannot be read. An unlimited value reads as `Int.max`.
    public static func current() -> DescriptorLimit? {
        var limit = rlimit()
        guard getrlimit(resource, &limit) == 0 else { return nil }
        return DescriptorLimit(soft: count(limit.rlim_cur), hard: count(limit.rlim_max))
    }

    /// Raises the soft limit to the hard one (what `flexgen serve` does at start: the common
    /// default soft limit of 1024 would cap the service at a few hundred connections although the
    /// system allows far more). An unlimited hard limit is not a value `setrlimit` accepts for
    /// descriptors, so the soft limit then goes to 1 048 576 (Linux's default `nr_open`).
    /// Returns the limit before and after (after == before when raising failed or was not needed).
    @discardableResult
    public static func raiseSoftToHard() -> (before: DescriptorLimit, after: DescriptorLimit)? {
        guard let before = current() else { return nil }
        let target = min(before.hard, 1 << 20)
        guard before.soft < target else { return (before, before) }
        var limit = rlimit()
        guard getrlimit(resource, &limit) == 0 else { return (before, before) }
        limit.rlim_cur = rlim_t(target)
        guard setrlimit(resource, &limit) == 0 else { return (before, before) }
        return (before, current() ?? before)
    }

    /// Descriptors kept back from connections for the process's own use: the listener, the event
    /// loops' epoll and wake-up descriptors, standard streams, log output, and the files the
    /// solver and the sampler open (GLPK, the model's weights and resources). A fixed count
    /// would be too much for a tight limit and too little for a busy large one, so it is
    /// max(64, limit / 8), at most 1024: 128 of 1024, 1024 of 20 000.
    public static func reserve(forLimit limit: Int) -> Int {
        min(1024, max(64, limit / 8))
    }

    /// `--max-connections`'s default for a soft limit: the limit minus `reserve(forLimit:)`,
    /// at least 1 (896 for 1024, 18 976 for 20 000).
    public static func defaultMaxConnections(forLimit limit: Int) -> Int {
        max(1, limit - reserve(forLimit: limit))
    }

    #if canImport(Glibc)
    private static let resource = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
    private static let unlimited = rlim_t.max   // glibc's RLIM_INFINITY, (rlim_t) -1
    #else
    private static let resource = RLIMIT_NOFILE
    private static let unlimited = RLIM_INFINITY
    #endif

    private static func count(_ value: rlim_t) -> Int {
        value == unlimited || value > rlim_t(Int.max) ? Int.max : Int(value)
    }
}
