import ArgumentParser
import Foundation
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

    @Option(help: "Address to bind; the service has no authentication, keep it on loopback unless fronted by a proxy.")
    var host = ServiceConfiguration().host

    @Option(help: "TCP port; 0 picks a free one.")
    var port = ServiceConfiguration().port

    @Option(help: "Largest request body in bytes (larger: 413).")
    var maxBodyBytes = ServiceConfiguration().maxBodyBytes

    @Option(help: "Most clients a problem may have (more: 422).")
    var maxClients = ServiceConfiguration().maxClients

    @Option(help: "Time limit of one solve in seconds (then the best checked solution with status time_limit, or 503).")
    var timeLimit = ServiceConfiguration().timeLimitS

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel = "info"

    var serviceConfiguration: ServiceConfiguration {
        ServiceConfiguration(host: host, port: port, maxBodyBytes: maxBodyBytes, maxClients: maxClients, timeLimitS: timeLimit)
    }

    func validate() throws {
        if let issue = serviceConfiguration.issues.first {
            let flags = ["host": "--host", "port": "--port", "maxBodyBytes": "--max-body-bytes",
                         "maxClients": "--max-clients", "timeLimitS": "--time-limit"]
            let field = String(issue.prefix { $0 != ":" })
            throw ValidationError("\(flags[field] ?? field)\(issue.dropFirst(field.count))")
        }
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("--log-level: expected one of trace, debug, info, notice, warning, error, critical, got \(logLevel)")
        }
    }

    func run() async throws {
        var logger = Logger(label: "flexgen.service")
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
        let host = host
        try await FlexGenHTTPService(configuration: serviceConfiguration, logger: logger).run { port in
            // Unbuffered, so that a supervisor (or a test) reading a pipe sees the port at once.
            FileHandle.standardOutput.write(Data("listening on http://\(host):\(port)\n".utf8))
        }
    }
}
