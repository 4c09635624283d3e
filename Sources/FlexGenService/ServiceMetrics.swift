import Metrics
import Prometheus

/// The service's metrics, recorded through swift-metrics into a Prometheus registry that belongs
/// to this service instance — not the process-wide `MetricsSystem`, so that two services (or a
/// test and a service) in one process never share or fight over counters, and nothing global is
/// bootstrapped. `GET /metrics` renders the registry in the Prometheus text format.
///
/// Series (label cardinality is bounded: `path` is a route template or `unmatched`, `solver` a
/// variant name the service accepted, `status` an HTTP code or a solution status):
/// - `flexgen_http_requests_total{method,path,status}` counter
/// - `flexgen_http_request_duration_seconds{method,path}` histogram
/// - `flexgen_http_requests_in_flight` gauge
/// - `flexgen_solves_total{solver,status}` counter
/// - `flexgen_solve_duration_seconds{solver,status}` histogram (the solution's `solveTimeS`)
/// - `flexgen_solve_clients` histogram (clients per solved problem)
/// - `flexgen_http_connections_open` gauge (connections admitted and not yet closed)
/// - `flexgen_http_connections_closed_total{reason}` counter: connections this side closed —
///   `read_timeout`, `idle_timeout`, `evicted` (to admit a new one at the cap), `refused` (at the
///   cap with every slot busy); a client closing its own connection is not counted here
/// - `flexgen_http_client_aborts_total{method,path}` counter (requests whose client went away
///   before sending the whole request; logged as such, never as a 5xx)
/// - `flexgen_solves_running`, `flexgen_solve_queue_depth` gauges (solve slots in use, requests
///   waiting for one)
/// - `flexgen_solve_rejections_total{reason}` counter: `queue_full` (503 at once), `queue_timeout`
///   (503 after waiting the time limit in the queue)
public struct ServiceMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    private let factory: PrometheusMetricsFactory
    private let inFlight: Meter
    private let connectionsOpen: Meter

    /// Why this side closed a connection (`flexgen_http_connections_closed_total`'s `reason`).
    public enum CloseReason: String, Sendable, CaseIterable {
        case readTimeout = "read_timeout"
        case idleTimeout = "idle_timeout"
        case evicted
        case refused
    }

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        var factory = PrometheusMetricsFactory(registry: registry)
        // Request latencies: loopback health checks take ~0.1 ms, large solves seconds.
        let requestBuckets: [Duration] = [.microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1),
                                          .milliseconds(2.5), .milliseconds(5), .milliseconds(10), .milliseconds(25),
                                          .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
                                          .seconds(1), .seconds(2.5), .seconds(5), .seconds(10), .seconds(30)]
        factory.durationHistogramBuckets = [
            "flexgen_http_request_duration_seconds": requestBuckets,
            "flexgen_solve_duration_seconds": requestBuckets,
        ]
        factory.valueHistogramBuckets = ["flexgen_solve_clients": [1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000]]
        self.factory = factory
        self.inFlight = Meter(label: "flexgen_http_requests_in_flight", factory: factory)
        self.connectionsOpen = Meter(label: "flexgen_http_connections_open", factory: factory)
        // Every series exists from the start (at 0), so that a scraper can tell "none" from "absent".
        for reason in ["queue_full", "queue_timeout"] {
            Counter(label: "flexgen_solve_rejections_total", dimensions: [("reason", reason)], factory: factory).increment(by: 0)
        }
        Gauge(label: "flexgen_solves_running", factory: factory).record(0)
        Gauge(label: "flexgen_solve_queue_depth", factory: factory).record(0)
        for reason in CloseReason.allCases {
            Counter(label: "flexgen_http_connections_closed_total", dimensions: [("reason", reason.rawValue)],
                    factory: factory).increment(by: 0)
        }
    }

    func connectionOpened() { connectionsOpen.increment() }

    func connectionFinished() { connectionsOpen.decrement() }

    func connectionClosed(reason: CloseReason) {
        Counter(label: "flexgen_http_connections_closed_total", dimensions: [("reason", reason.rawValue)],
                factory: factory).increment()
    }

    /// A request whose client went away: out of flight, counted as an abort, not as a response.
    func requestAborted(method: String, path: String) {
        inFlight.decrement()
        Counter(label: "flexgen_http_client_aborts_total", dimensions: [("method", method), ("path", path)],
                factory: factory).increment()
    }

    func solveLoad(running: Int, queued: Int) {
        Gauge(label: "flexgen_solves_running", factory: factory).record(running)
        Gauge(label: "flexgen_solve_queue_depth", factory: factory).record(queued)
    }

    func solveRejected(reason: String) {
        Counter(label: "flexgen_solve_rejections_total", dimensions: [("reason", reason)], factory: factory).increment()
    }

    /// A request dropped because its connection was evicted: out of flight, no response.
    func requestDropped() { inFlight.decrement() }

    func requestStarted() { inFlight.increment() }

    func requestFinished(method: String, path: String, status: Int, duration: Duration) {
        inFlight.decrement()
        Counter(label: "flexgen_http_requests_total",
                dimensions: [("method", method), ("path", path), ("status", String(status))],
                factory: factory).increment()
        Metrics.Timer(label: "flexgen_http_request_duration_seconds",
                      dimensions: [("method", method), ("path", path)],
                      factory: factory).recordNanoseconds(duration.nanoseconds)
    }

    func solveFinished(solver: String, status: String, solveTimeS: Double, clients: Int) {
        Counter(label: "flexgen_solves_total", dimensions: [("solver", solver), ("status", status)],
                factory: factory).increment()
        if solveTimeS.isFinite, solveTimeS >= 0 {
            Metrics.Timer(label: "flexgen_solve_duration_seconds", dimensions: [("solver", solver), ("status", status)],
                          factory: factory).recordSeconds(solveTimeS)
        }
        Recorder(label: "flexgen_solve_clients", factory: factory).record(clients)
    }

    /// The Prometheus text exposition of every series.
    public func render() -> String { registry.emitToString() }
}

extension Duration {
    /// Whole nanoseconds (saturating; durations here are far below 292 years).
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
