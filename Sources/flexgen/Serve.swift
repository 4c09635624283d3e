import ArgumentParser
import Foundation
import FlexGen
import FlexGenService
import Logging

/// `flexgen serve`: the HTTP JSON service (see docs/service.md and GET /v1/openapi.json).
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve the solver over HTTP: POST /v1/solve, POST /v1/check, POST /v1/validate, GET /v1/health, /metrics, /v1/openapi.json.",
        discussion: """
            Prints "listening on http://HOST:PORT" once the socket is bound (with --port 0, the \
            port the system picked). SIGINT/SIGTERM stop accepting connections and finish the \
            requests in flight before exiting 0. One log line per request on standard error.
            """)

    @Option(help: "Address to bind; without --auth-token-file the service has no authentication: keep it on loopback unless fronted by a proxy.")
    var host = ServiceConfiguration().host

    @Option(help: "TCP port; 0 picks a free one.")
    var port = ServiceConfiguration().port

    @Option(help: "Largest request body in bytes (larger: 413).")
    var maxBodyBytes = ServiceConfiguration().maxBodyBytes

    @Option(help: "Most clients a problem may have (more: 422).")
    var maxClients = ServiceConfiguration().maxClients

    @Option(help: "Time limit of one solve in seconds (then the best checked solution with status time_limit, or 503).")
    var timeLimit = ServiceConfiguration().timeLimitS

    @Option(help: "Seconds a request's headers and body may take to arrive (then 408, or the connection is closed if no headers came).")
    var readTimeout = ServiceConfiguration().readTimeoutS

    @Option(help: "Seconds a kept-alive connection may sit idle between requests before it is closed.")
    var idleTimeout = ServiceConfiguration().idleTimeoutS

    @Option(help: ArgumentHelp(
        "Most connections held at once (default: the descriptor limit, raised to its hard limit at start, minus a reserve of max(64, limit/8) up to 1024).",
        discussion: "At the cap, the connection waiting longest without a whole request is closed to admit the new one; if every connection holds a request in progress, the new one is closed at once."))
    var maxConnections: Int?

    @Option(help: "Most solves and validations running at once (default: the number of cores).")
    var maxConcurrentSolves: Int?

    @Option(help: "Most requests waiting for a solve slot; beyond, 503 with Retry-After at once. A queued request waits at most --time-limit.")
    var maxQueuedSolves = ServiceConfiguration().maxQueuedSolves

    @Option(help: "Threads each solve's price sweeps use (default 1: solves already run one per core). With fewer --max-concurrent-solves than cores, more threads make a large solve faster; the solution does not depend on it.")
    var solveThreads = 1

    @Option(help: ArgumentHelp("File holding a bearer token: every route but GET /v1/health (and /metrics with --metrics-public) then requires Authorization: Bearer <token>, else 401.",
                               valueName: "file"))
    var authTokenFile: String?

    @Flag(help: "With --auth-token-file, leave GET /metrics open (for a scraper without the token).")
    var metricsPublic = false

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel = "info"

    var serviceConfiguration: ServiceConfiguration {
        ServiceConfiguration(host: host, port: port, maxBodyBytes: maxBodyBytes, maxClients: maxClients, timeLimitS: timeLimit,
                             readTimeoutS: readTimeout, idleTimeoutS: idleTimeout, maxConnections: maxConnections,
                             metricsPublic: metricsPublic, maxConcurrentSolves: maxConcurrentSolves,
                             maxQueuedSolves: maxQueuedSolves)
    }

    /// The token in `--auth-token-file`: its whole content, without surrounding whitespace (a
    /// trailing newline is how most editors and `echo` leave it).
    func loadToken() throws -> BearerToken? {
        guard let path = authTokenFile else { return nil }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ValidationError("--auth-token-file: cannot read \(path)")
        }
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let token = BearerToken(text) else {
            throw ValidationError("--auth-token-file: \(path) must hold one token of letters, digits and -._~+/ (optionally ending in =), got \(text.isEmpty ? "an empty file" : "other characters")")
        }
        return token
    }

    func validate() throws {
        if let issue = serviceConfiguration.issues.first {
            let flags = ["host": "--host", "port": "--port", "maxBodyBytes": "--max-body-bytes",
                         "maxClients": "--max-clients", "timeLimitS": "--time-limit", "readTimeoutS": "--read-timeout",
                         "idleTimeoutS": "--idle-timeout", "maxConnections": "--max-connections",
                         "maxConcurrentSolves": "--max-concurrent-solves", "maxQueuedSolves": "--max-queued-solves"]
            let field = String(issue.prefix { $0 != ":" })
            throw ValidationError("\(flags[field] ?? field)\(issue.dropFirst(field.count))")
        }
        _ = try loadToken()
        if solveThreads < 1 { throw ValidationError("--solve-threads: must be >= 1, got \(solveThreads)") }
        if metricsPublic, authTokenFile == nil {
            throw ValidationError("--metrics-public: only meaningful with --auth-token-file (without it every route is open)")
        }
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("--log-level: expected one of trace, debug, info, notice, warning, error, critical, got \(logLevel)")
        }
    }

    func run() async throws {
        var logger = Logger(label: "flexgen.service")
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
        // Before the connection cap's default is derived from it: the soft limit is often 1024
        // while the hard limit allows far more.
        let limits = DescriptorLimit.raiseSoftToHard()
        var configuration = serviceConfiguration
        configuration.authToken = try loadToken()
        logger.info("descriptor limit", metadata: [
            "soft_at_start": .string(limits.map { String($0.before.soft) } ?? "unknown"),
            "soft": .string(limits.map { String($0.after.soft) } ?? "unknown"),
            "hard": .string(limits.map { String($0.after.hard) } ?? "unknown"),
            "max_connections": .stringConvertible(configuration.resolvedMaxConnections),
            "read_timeout_s": .stringConvertible(configuration.readTimeoutS),
            "idle_timeout_s": .stringConvertible(configuration.idleTimeoutS),
            "authentication": .string(configuration.authToken == nil ? "none" : configuration.metricsPublic ? "bearer (metrics public)" : "bearer"),
            "solve_threads": .stringConvertible(solveThreads),
        ])
        if let soft = limits?.after.soft, configuration.resolvedMaxConnections > DescriptorLimit.defaultMaxConnections(forLimit: soft) {
            logger.warning("--max-connections leaves fewer than \(DescriptorLimit.reserve(forLimit: soft)) descriptors for the server's own files: at the cap, accepting or opening a file may fail")
        }
        let host = host
        var settings = SolverSettings()
        settings.decomposition.allocation.threads = solveThreads
        try await FlexGenHTTPService(configuration: configuration, engine: .library(settings: settings), logger: logger).run { port in
            // Unbuffered, so that a supervisor (or a test) reading a pipe sees the port at once.
            FileHandle.standardOutput.write(Data("listening on http://\(host):\(port)\n".utf8))
        }
    }
}
