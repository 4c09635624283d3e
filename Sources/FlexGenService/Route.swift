import Hummingbird

/// One endpoint of the service. `Route.all` is the single list the router, the 404/405
/// decision, the metrics' `path` label and the OpenAPI test all read, so they cannot drift apart.
public struct Route: Sendable, Hashable, CustomStringConvertible {
    public var method: HTTPRequest.Method
    public var path: String

    public init(_ method: HTTPRequest.Method, _ path: String) {
        self.method = method
        self.path = path
    }

    public var description: String { "\(method.rawValue) \(path)" }

    public static let solve = Route(.post, "/v1/solve")
    public static let check = Route(.post, "/v1/check")
    public static let validate = Route(.post, "/v1/validate")
    public static let health = Route(.get, "/v1/health")
    public static let metrics = Route(.get, "/metrics")
    public static let openAPI = Route(.get, "/v1/openapi.json")

    /// Every route the service answers.
    public static let all: [Route] = [solve, check, validate, health, metrics, openAPI]

    /// Whether a request for `path` needs the bearer token when one is configured: every path
    /// does (unknown ones too, so that a client without the token learns nothing of the routes)
    /// except the health check, which an orchestrator's probe calls without credentials, and
    /// `/metrics` when it is made public.
    static func requiresToken(_ path: String, metricsPublic: Bool) -> Bool {
        !(path == health.path || (metricsPublic && path == metrics.path))
    }

    /// The methods a known path accepts; empty for an unknown path.
    static func methods(for path: String) -> [HTTPRequest.Method] {
        all.filter { $0.path == path }.map(\.method)
    }
}
