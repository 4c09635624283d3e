import Foundation  // String(format:)
import Hummingbird
import HTTPTypes
import Logging

/// Wraps the router with what every request gets, matched or not: 404 for an unknown path and
/// 405 (with `Allow`) for a known path with the wrong method, both as JSON errors; errors turned
/// into responses (nothing thrown reaches the server, so input can never crash it); the metrics;
/// and exactly one structured log line per request.
struct ServiceResponder<Inner: HTTPResponder>: HTTPResponder where Inner.Context == BasicRequestContext {
    let inner: Inner
    let metrics: ServiceMetrics
    /// `--auth-token-file`'s token; nil: no authentication.
    var token: BearerToken? = nil
    /// `--metrics-public`.
    var metricsPublic = false

    func respond(to request: Request, context: BasicRequestContext) async throws -> Response {
        let clock = ContinuousClock()
        let start = clock.now
        metrics.requestStarted()
        let path = request.uri.path
        let methods = Route.methods(for: path)
        var response: Response
        if let refusal = authenticationFailure(request) {
            response = Self.errorResponse(refusal, request: request, context: context)
        } else if methods.isEmpty {
            response = Self.errorResponse(APIError(.notFound, path: "",
                                                   reason: "no route \(path); the routes are listed at GET /v1/openapi.json"),
                                          request: request, context: context)
        } else if !methods.contains(request.method) {
            let allow = methods.map(\.rawValue).joined(separator: ", ")
            response = Self.errorResponse(APIError(.methodNotAllowed, path: "",
                                                   reason: "\(path) accepts \(allow), not \(request.method.rawValue)",
                                                   headers: [.allow: allow]),
                                          request: request, context: context)
        } else {
            do {
                response = try await inner.respond(to: request, context: context)
            } catch let interruption as RequestInterrupted {
                guard let answer = Self.interrupted(interruption.reason, request: request, context: context,
                                                    metrics: metrics, duration: clock.now - start) else {
                    return Response(status: .badRequest, headers: [.connection: "close"])  // nobody reads it
                }
                response = answer
            } catch where ConnectionGuard.meansClientLeft(error) {
                // The same departure, reported by another layer (e.g. a write to a closed socket).
                _ = Self.interrupted(.clientDisconnected, request: request, context: context,
                                     metrics: metrics, duration: clock.now - start)
                return Response(status: .badRequest, headers: [.connection: "close"])
            } catch let error as any HTTPResponseError {
                response = Self.errorResponse(error, request: request, context: context)
            } catch is CancellationError {
                response = Self.errorResponse(APIError(.serviceUnavailable, reason: "the request was cancelled (server shutting down)"),
                                              request: request, context: context)
            } catch {
                context.logger.error("unexpected error", metadata: ["error": "\(error)"])
                response = Self.errorResponse(APIError(.internalServerError, reason: "internal error: \(error)"),
                                              request: request, context: context)
            }
        }
        // Every answer names its request: the log line's `hb.request.id` (read from the logger's
        // metadata, not `context.id`, which traps when the log handler keeps no metadata).
        response.headers[ServiceHeader.requestID] = context.logger[metadataKey: "hb.request.id"]?.description
            ?? RequestID().description
        let duration = clock.now - start
        let routePath = methods.isEmpty ? "unmatched" : path
        metrics.requestFinished(method: request.method.rawValue, path: routePath, status: Int(response.status.code),
                                duration: duration)
        var metadata: Logger.Metadata = [
            "method": .string(request.method.rawValue),
            "path": .string(path),
            "status": .stringConvertible(response.status.code),
            "duration_ms": .string(Self.milliseconds(duration)),
        ]
        if let solver = response.headers[ServiceHeader.solver] { metadata["solver"] = .string(solver) }
        if let status = response.headers[ServiceHeader.solverStatus] { metadata["solver_status"] = .string(status) }
        if let clients = response.headers[ServiceHeader.clients] { metadata["clients"] = .string(clients) }
        context.logger.info("request", metadata: metadata)
        return response
    }

    /// The 401 for a request that needs the token and lacks it (nil: let it through). RFC 6750:
    /// no credentials → a bare `Bearer` challenge; wrong or malformed ones → `invalid_token`.
    func authenticationFailure(_ request: Request) -> APIError? {
        guard let token, Route.requiresToken(request.uri.path, metricsPublic: metricsPublic) else { return nil }
        let realm = #"Bearer realm="flexgen""#
        guard let authorization = request.headers[.authorization] else {
            return APIError(.unauthorized, path: "headers.Authorization",
                            reason: "this server requires a bearer token (Authorization: Bearer <token>)",
                            headers: [.wwwAuthenticate: realm])
        }
        guard let presented = BearerToken.credentials(fromAuthorization: authorization),
              token.matches(presented.utf8) else {
            return APIError(.unauthorized, path: "headers.Authorization", reason: "the bearer token is not valid for this server",
                            headers: [.wwwAuthenticate: realm + #", error="invalid_token""#])
        }
        return nil
    }

    /// A request whose body stopped arriving (`RequestInterrupted`). A read timeout is the
    /// client's error, answered 408 (the caller logs and counts it like any response). A client
    /// that went away gets no response: it is logged here at info as an abort and counted in
    /// `flexgen_http_client_aborts_total`, never as a 5xx. A request whose connection was evicted
    /// at the connection cap is logged at debug (the eviction is counted by the connection).
    /// Returns the response to send, or nil when there is nobody to send it to.
    static func interrupted(_ reason: RequestInterrupted.Reason, request: Request, context: BasicRequestContext,
                            metrics: ServiceMetrics, duration: Duration) -> Response? {
        let path = request.uri.path
        let metadata: Logger.Metadata = [
            "method": .string(request.method.rawValue),
            "path": .string(path),
            "reason": .string(reason.rawValue),
            "duration_ms": .string(milliseconds(duration)),
        ]
        switch reason {
        case .readTimeout:
            return errorResponse(APIError(.requestTimeout,
                                          reason: "the request was not received in full within the server's read timeout (--read-timeout)",
                                          headers: [.connection: "close"]),
                                 request: request, context: context)
        case .clientDisconnected:
            metrics.requestAborted(method: request.method.rawValue, path: Route.methods(for: path).isEmpty ? "unmatched" : path)
            context.logger.info("request aborted by client", metadata: metadata)
            return nil
        case .evicted:
            metrics.requestDropped()
            context.logger.debug("request dropped: connection evicted at the connection limit (--max-connections)",
                                 metadata: metadata)
            return nil
        }
    }

    static func errorResponse(_ error: any HTTPResponseError, request: Request, context: BasicRequestContext) -> Response {
        if let error = error as? APIError {
            return (try? error.response(from: request, context: context)) ?? Response(status: error.status)
        }
        // Hummingbird's own errors (e.g. a malformed request) get the same JSON shape.
        let wrapped = APIError(error.status, reason: (error as? HTTPError)?.body ?? error.status.reasonPhrase, headers: (error as? HTTPError)?.headers ?? [:])
        return (try? wrapped.response(from: request, context: context)) ?? Response(status: error.status)
    }

    static func milliseconds(_ duration: Duration) -> String {
        String(format: "%.3f", Double(duration.nanoseconds) / 1e6)
    }
}

/// Response headers of `POST /v1/solve` (also what the request log line reads the solver's
/// outcome from, so the handler needs no shared mutable state to report it).
enum ServiceHeader {
    /// The variant that solved.
    static let solver = HTTPField.Name("FlexGen-Solver")!
    /// The solution's status (`optimal`, `time_limit`, …).
    static let solverStatus = HTTPField.Name("FlexGen-Solver-Status")!
    /// The problem's client count.
    static let clients = HTTPField.Name("FlexGen-Clients")!
    /// Every response: the request's id (also the log line's `hb.request.id`).
    static let requestID = HTTPField.Name("FlexGen-Request-Id")!
    /// `POST /v1/validate`: why the report has no predicted compute times.
    static let timing = HTTPField.Name("FlexGen-Timing")!
}
