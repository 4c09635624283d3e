import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import FlexGenModel
import FlexGenSolver
import FlexGenSampler

/// The FlexGen HTTP JSON service (`flexgen serve`): the library's solve and check over HTTP.
///
/// Routes (`Route.all`; the contract is the OpenAPI document at `GET /v1/openapi.json`):
/// - `POST /v1/solve[?solver=NAME]`: a `flexgen-problem/1` with its profile inline → a
///   `flexgen-solution/1`. 200 for every verdict (optimal, feasible, infeasible with diagnostics,
///   `time_limit`/`iteration_limit` with a checked solution); 503 when the time limit came before
///   any feasible solution; 500 for `numerical_error`.
/// - `POST /v1/check`: `{"problem": …, "solution": …}` → `EvaluationReport` (200 whatever the verdict).
/// - `POST /v1/validate`: `{"problem": …, "solution": …, "seeds": n, "samplesPerSeed": n}` →
///   `ValidationReport` (200 whatever the verdict): the built-in digits model re-measures the
///   solution's configurations with small, bounded sampling (`ValidationLimits`); no predicted
///   times (they need the calibration timing file, which the service does not read).
/// - `GET /v1/health`, `GET /metrics` (Prometheus text), `GET /v1/openapi.json`.
///
/// Errors are JSON (`APIError`): 400 malformed JSON or schema violations (every issue, with its
/// JSON path), 404 unknown route, 405 wrong method, 413 body over `maxBodyBytes`, 422 more
/// clients than `maxClients`, 503/500 as above.
///
/// Concurrency: handlers never block the event loops or the cooperative pool — solves run
/// through the engine's `async` entry point (the library's runs them on a Dispatch queue).
/// No global state: metrics go to this instance's registry, logs to its `logger`.
public struct FlexGenHTTPService: Sendable {
    public let configuration: ServiceConfiguration
    public let engine: SolveEngine
    public let metrics: ServiceMetrics
    public let logger: Logger

    public init(configuration: ServiceConfiguration = ServiceConfiguration(), engine: SolveEngine = .library,
                metrics: ServiceMetrics = ServiceMetrics(), logger: Logger = Logger(label: "flexgen.service")) {
        self.configuration = configuration
        self.engine = engine
        self.metrics = metrics
        self.logger = logger
    }

    /// The Hummingbird application, ready to run in a `ServiceGroup` (which owns shutdown).
    /// `onServerRunning` receives the bound port once the server listens (useful with port 0).
    public func makeApplication(onServerRunning: @escaping @Sendable (_ port: Int) async -> Void = { _ in })
        -> some ApplicationProtocol {
        let router = Router(context: BasicRequestContext.self)
        router.post(RouterPath(Route.solve.path)) { request, _ in try await self.solve(request) }
        router.post(RouterPath(Route.check.path)) { request, _ in try await self.check(request) }
        router.post(RouterPath(Route.validate.path)) { request, _ in try await self.validate(request) }
        router.get(RouterPath(Route.health.path)) { _, _ in self.health() }
        router.get(RouterPath(Route.metrics.path)) { _, _ in
            JSONResponse.raw(self.metrics.render(), contentType: "text/plain; version=0.0.4; charset=utf-8")
        }
        router.get(RouterPath(Route.openAPI.path)) { _, _ in
            JSONResponse.raw(OpenAPIDocument.json, contentType: "application/json")
        }
        let port = configuration.port
        return Application(
            responder: ServiceResponder(inner: router.buildResponder(), metrics: metrics),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port),
                                 serverName: "flexgen"),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? port) },
            logger: logger)
    }

    /// Serves until SIGINT or SIGTERM, then stops accepting connections and finishes the
    /// requests in flight before returning (Hummingbird's graceful shutdown in a `ServiceGroup`).
    public func run(onServerRunning: @escaping @Sendable (_ port: Int) async -> Void = { _ in }) async throws {
        let application = makeApplication(onServerRunning: onServerRunning)
        let group = ServiceGroup(configuration: .init(services: [application],
                                                      gracefulShutdownSignals: [.sigterm, .sigint],
                                                      logger: logger))
        try await group.run()
    }

    // MARK: Handlers

    func solve(_ request: Request) async throws -> Response {
        var solver = engine.defaultSolver
        for (key, value) in request.uri.queryParameters {
            guard key == "solver" else {
                throw APIError(.badRequest, path: "query.\(key)", reason: "unknown query parameter (expected: solver)")
            }
            solver = String(value)
        }
        guard engine.solverNames.contains(solver) else {
            throw APIError(.badRequest, path: "query.solver",
                           reason: "unknown solver \"\(solver)\" (expected one of: \(engine.solverNames.joined(separator: ", ")))")
        }
        let problem = try await Self.offPoolIfLarge(try await RequestDecoding.body(of: request, limit: configuration.maxBodyBytes),
                                                    RequestDecoding.problem(from:))
        guard problem.clients.count <= configuration.maxClients else {
            throw APIError(.unprocessableContent, path: "clients",
                           reason: "\(problem.clients.count) clients exceed this server's maximum of \(configuration.maxClients) (--max-clients)")
        }
        let solution: Solution
        do {
            solution = try await engine.solve(problem, solver, configuration.timeLimitS)
        } catch let error as InputError {
            throw APIError.badInput(error)
        }
        metrics.solveFinished(solver: solver, status: solution.status.rawValue, solveTimeS: solution.solveTimeS,
                              clients: problem.clients.count)
        let headers: HTTPFields = [ServiceHeader.solver: solver,
                                   ServiceHeader.solverStatus: solution.status.rawValue,
                                   ServiceHeader.clients: String(problem.clients.count)]
        switch solution.status {
        case .optimal, .feasible, .infeasible:
            break
        case .timeLimit, .iterationLimit:
            // Only a solution that re-checks as feasible is worth returning after an early stop.
            let stoppedWithSolution = !solution.clients.isEmpty
                && Evaluation(problem: problem, solution: solution).isFeasible
            if !stoppedWithSolution {
                let limit = solution.status == .timeLimit
                    ? "the time limit of \(configuration.timeLimitS) s (--time-limit)" : "the iteration limit"
                throw APIError(.serviceUnavailable, reason: "the solver reached \(limit) before finding a feasible solution",
                               headers: headers)
            }
        case .numericalError:
            let detail = solution.diagnostics?.map(\.description).joined(separator: "; ") ?? ""
            throw APIError(.internalServerError,
                           reason: "the solver hit a numerical error" + (detail.isEmpty ? "" : ": \(detail)"), headers: headers)
        }
        var response = JSONResponse.make(solution)
        for field in headers { response.headers.append(field) }
        return response
    }

    func check(_ request: Request) async throws -> Response {
        if let key = request.uri.queryParameters.first?.key {
            throw APIError(.badRequest, path: "query.\(key)", reason: "unknown query parameter (/v1/check takes none)")
        }
        let body = try await Self.offPoolIfLarge(try await RequestDecoding.body(of: request, limit: configuration.maxBodyBytes),
                                                 RequestDecoding.checkRequest(from:))
        guard body.problem.clients.count <= configuration.maxClients else {
            throw APIError(.unprocessableContent, path: "problem.clients",
                           reason: "\(body.problem.clients.count) clients exceed this server's maximum of \(configuration.maxClients) (--max-clients)")
        }
        let evaluation = Evaluation(problem: body.problem, solution: body.solution)
        return JSONResponse.make(EvaluationReport(problem: body.problem, solution: body.solution, evaluation: evaluation))
    }

    func validate(_ request: Request) async throws -> Response {
        if let key = request.uri.queryParameters.first?.key {
            throw APIError(.badRequest, path: "query.\(key)", reason: "unknown query parameter (/v1/validate takes none)")
        }
        let body = try await Self.offPoolIfLarge(try await RequestDecoding.body(of: request, limit: configuration.maxBodyBytes),
                                                 RequestDecoding.validateRequest(from:))
        guard body.problem.clients.count <= configuration.maxClients else {
            throw APIError(.unprocessableContent, path: "problem.clients",
                           reason: "\(body.problem.clients.count) clients exceed this server's maximum of \(configuration.maxClients) (--max-clients)")
        }
        do { try SolutionValidator.check(problem: body.problem, solution: body.solution) } catch let error as ValidationInputError {
            throw ValidationLimits.apiError(error)
        }
        let configurations = Set(body.solution.clients.map(\.configurationKey)).count
        let settings = try ValidationLimits.settings(seeds: body.seeds, samplesPerSeed: body.samplesPerSeed,
                                                     configurations: configurations)
        let (problem, solution) = (body.problem, body.solution)
        let report: ValidationReport
        do {
            report = try await BlockingWork.run { _ in
                let validator = SolutionValidator(sampler: BuiltinSampler(model: try FlexibleDiffusionModel.loadShipped()),
                                                  evaluator: try QualityEvaluator.shipped(), timing: nil)
                return try validator.validate(problem: problem, solution: solution, settings: settings)
            }
        } catch let error as ValidationInputError {
            throw ValidationLimits.apiError(error)
        }
        var response = JSONResponse.make(report)
        response.headers[ServiceHeader.timing] = ValidationLimits.timingNote
        return response
    }

    /// Decodes small bodies in place and large ones (over 1 MiB, ~100 ms of parsing and validation
    /// for a 10 000-client problem) on the solve threads, so that no request holds a
    /// cooperative-pool thread for long.
    static func offPoolIfLarge<T: Sendable>(_ data: Data, _ decode: @escaping @Sendable (Data) throws -> T) async throws -> T {
        guard data.count > 1 << 20 else { return try decode(data) }
        return try await BlockingWork.run { _ in try decode(data) }
    }

    func health() -> Response {
        JSONResponse.make(Health(status: "ok", solvers: engine.solverNames, defaultSolver: engine.defaultSolver,
                                 limits: .init(maxBodyBytes: configuration.maxBodyBytes, maxClients: configuration.maxClients,
                                               timeLimitS: configuration.timeLimitS)))
    }

    /// `GET /v1/health`'s body.
    public struct Health: Codable, Sendable, Hashable {
        public var status: String
        public var solvers: [String]
        public var defaultSolver: String
        public var limits: Limits
        public struct Limits: Codable, Sendable, Hashable {
            public var maxBodyBytes: Int
            public var maxClients: Int
            public var timeLimitS: Double
        }
    }
}
