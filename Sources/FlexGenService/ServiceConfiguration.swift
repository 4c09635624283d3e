import Foundation  // ProcessInfo

/// Everything `flexgen serve` can be told, with the default of each field.
public struct ServiceConfiguration: Sendable, Hashable {
    /// Address to bind. Default `127.0.0.1`: loopback only, the service has no authentication.
    public var host: String
    /// TCP port. Default 8080; 0 picks a free ephemeral port (tests, side-by-side instances).
    public var port: Int
    /// Largest request body accepted (bytes); a larger one gets 413. Default 8 MiB: a
    /// 10 000-client problem with an inline 24-configuration profile is about 2 MiB.
    public var maxBodyBytes: Int
    /// Most clients a problem may have; more gets 422. Default 10 000, where the flexgen
    /// solver still answers within seconds (the assignment benchmark's largest size).
    public var maxClients: Int
    /// Wall-clock limit of one solve (s). A solve that reaches it answers with its best checked
    /// solution (status `time_limit`), or 503 when it has none. Default 10 s.
    /// Also the wall-clock limit of one `POST /v1/validate`, from the request's arrival: the
    /// admissible sampling is derived from it (`ValidationLimits`), and a validation still running
    /// at it is stopped (503).
    public var timeLimitS: Double
    /// Denoiser throughput (FLOP/s) `POST /v1/validate`'s admission rule assumes. Default nil:
    /// measured once, when the digits model is first loaded (`ValidationResources`). Set it to
    /// make admission reproducible (tests) or to reserve headroom on a shared machine.
    public var validationFlopsPerS: Double?
    /// Seconds `POST /v1/validate`'s admission rule charges for scoring one batch. Default nil:
    /// measured once at model load, like `validationFlopsPerS` (set both for a fixed rule).
    public var validationScoringSecondsPerBatch: Double?
    /// Seconds a request's headers and body may take to arrive: from the connection's opening
    /// for its first request, from the headers' arrival for a later one on a kept-alive
    /// connection. A request still incomplete then is answered 408 and its connection closed (a
    /// connection that sent no headers is just closed). Default 5 s: a maximal 8 MiB body at
    /// 13 Mbit/s; a client slower than that belongs behind a buffering proxy (docs/service.md).
    public var readTimeoutS: Double
    /// Seconds a kept-alive connection may sit between requests before it is closed. Default
    /// 75 s: longer than a reverse proxy's usual upstream keep-alive (60 s in nginx), so that the
    /// proxy, not the service, closes an idle connection and never reuses one being closed.
    public var idleTimeoutS: Double
    /// Most connections held at once. At the cap, the connection that has waited longest without
    /// delivering a whole request is closed to admit the new one; when every connection holds a
    /// request in progress, the new one is closed at once. Default nil: the process's
    /// descriptor limit minus a reserve for its own files (`DescriptorLimit.defaultMaxConnections`).
    public var maxConnections: Int?
    /// Most solves and validations running at once (they run on the solve threads). Default
    /// nil: the number of cores, the number of solve threads.
    public var maxConcurrentSolves: Int?
    /// Most requests waiting for a solve slot; one more is answered 503 with `Retry-After` at
    /// once. A queued request waits at most its time limit (`timeLimitS`, from its arrival), then
    /// 503; once admitted, its solve gets what is left of the limit. Default 64.
    public var maxQueuedSolves: Int
    /// When set, every route except `GET /v1/health` (and `GET /metrics` with `metricsPublic`)
    /// requires `Authorization: Bearer <token>`; a missing or wrong token is a 401 with
    /// `WWW-Authenticate`. Default nil: no authentication (keep the service on loopback).
    public var authToken: BearerToken?
    /// With `authToken`, leave `GET /metrics` open (for a scraper without the token). Default false.
    public var metricsPublic: Bool

    public init(host: String = "127.0.0.1", port: Int = 8080, maxBodyBytes: Int = 8 << 20,
                maxClients: Int = 10_000, timeLimitS: Double = 10, validationFlopsPerS: Double? = nil,
                validationScoringSecondsPerBatch: Double? = nil, readTimeoutS: Double = 5, idleTimeoutS: Double = 75,
                maxConnections: Int? = nil, authToken: BearerToken? = nil, metricsPublic: Bool = false,
                maxConcurrentSolves: Int? = nil, maxQueuedSolves: Int = 64) {
        self.host = host
        self.port = port
        self.maxBodyBytes = maxBodyBytes
        self.maxClients = maxClients
        self.timeLimitS = timeLimitS
        self.validationFlopsPerS = validationFlopsPerS
        self.validationScoringSecondsPerBatch = validationScoringSecondsPerBatch
        self.readTimeoutS = readTimeoutS
        self.idleTimeoutS = idleTimeoutS
        self.maxConnections = maxConnections
        self.authToken = authToken
        self.metricsPublic = metricsPublic
        self.maxConcurrentSolves = maxConcurrentSolves
        self.maxQueuedSolves = maxQueuedSolves
    }

    /// `maxConcurrentSolves`, or the number of cores.
    public var resolvedMaxConcurrentSolves: Int { maxConcurrentSolves ?? max(1, ProcessInfo.processInfo.activeProcessorCount) }

    /// `maxConnections`, or its default for the descriptor limit in force now (1024 assumed if
    /// it cannot be read).
    public var resolvedMaxConnections: Int {
        maxConnections ?? DescriptorLimit.defaultMaxConnections(forLimit: DescriptorLimit.current()?.soft ?? 1024)
    }

    /// Every field's problems, as `field: reason` lines (empty: valid).
    public var issues: [String] {
        var issues: [String] = []
        if host.isEmpty { issues.append("host: must not be empty") }
        if !(0...65_535).contains(port) { issues.append("port: must be in 0...65535, got \(port)") }
        if maxBodyBytes < 1 { issues.append("maxBodyBytes: must be >= 1, got \(maxBodyBytes)") }
        if maxClients < 1 { issues.append("maxClients: must be >= 1, got \(maxClients)") }
        if !(timeLimitS.isFinite && timeLimitS > 0) { issues.append("timeLimitS: must be finite and > 0, got \(timeLimitS)") }
        if let rate = validationFlopsPerS, !(rate.isFinite && rate > 0) {
            issues.append("validationFlopsPerS: must be finite and > 0, got \(rate)")
        }
        if let scoring = validationScoringSecondsPerBatch, !(scoring.isFinite && scoring >= 0) {
            issues.append("validationScoringSecondsPerBatch: must be finite and ≥ 0, got \(scoring)")
        }
        // Up to a day: a longer timeout is no timeout, and TimeAmount holds it in nanoseconds.
        if !(readTimeoutS.isFinite && readTimeoutS > 0 && readTimeoutS <= 86_400) {
            issues.append("readTimeoutS: must be > 0 and ≤ 86400 s, got \(readTimeoutS)")
        }
        if !(idleTimeoutS.isFinite && idleTimeoutS > 0 && idleTimeoutS <= 86_400) {
            issues.append("idleTimeoutS: must be > 0 and ≤ 86400 s, got \(idleTimeoutS)")
        }
        if let solves = maxConcurrentSolves, solves < 1 { issues.append("maxConcurrentSolves: must be >= 1, got \(solves)") }
        if maxQueuedSolves < 0 { issues.append("maxQueuedSolves: must be >= 0, got \(maxQueuedSolves)") }
        if let cap = maxConnections, cap < 1 { issues.append("maxConnections: must be >= 1, got \(cap)") }
        return issues
    }
}
