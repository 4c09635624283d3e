import FlexGenConcurrency
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
/// - `POST /v1/solve[?solver=NAME][&admission=max-served]`: a `flexgen-problem/1` with its profile inline → a
///   `flexgen-solution/1`. 200 for every verdict (optimal, feasible, infeasible with diagnostics,
///   `time_limit`/`iteration_limit` with a checked solution); 503 when the time limit came before
///   any feasible solution, 422 when the iteration limit did or the instance overflows Double
///   (`numerical_error` with an `overflow` diagnostic); 500 for any other `numerical_error`.
/// - `POST /v1/check`: `{"problem": …, "solution": …}` → `EvaluationReport` (200 whatever the verdict).
/// - `POST /v1/validate`: `{"problem": …, "solution": …, "seeds": n, "samplesPerSeed": n}` →
///   `ValidationReport` (200 whatever the verdict): the built-in digits model re-measures the
///   solution's configurations with sampling admitted only if its estimated cost fits in the time
///   limit (`ValidationLimits`, 422 otherwise), stopped at the deadline or when the client
///   disconnects (503); no predicted times (they need the calibration timing file, which the
///   service does not read).
/// - `GET /v1/health`, `GET /metrics` (Prometheus text), `GET /v1/openapi.json`.
///
/// Errors are JSON (`APIError`): 400 malformed JSON or schema violations (every issue, with its
/// JSON path), 401 missing or wrong bearer token (with `authToken`), 404 unknown route, 405 wrong
/// method, 408 request not received within `readTimeoutS` (`ConnectionGuard`), 413 body over
/// `maxBodyBytes`, 422 more clients than `maxClients`, 503/500 as above.
///
/// Concurrency: handlers never block the event loops or the cooperative pool — solves run
/// through the engine's `async` entry point (the library's runs them on `BlockingWork`'s own threads).
/// No global state: metrics go to this instance's registry, logs to its `logger`.
public struct FlexGenHTTPService: Sendable {
    public let configuration: ServiceConfiguration
    public let engine: SolveEngine
    public let metrics: ServiceMetrics
    public let logger: Logger
    /// Solve slots and their queue (`maxConcurrentSolves`, `maxQueuedSolves`).
    let admission: SolveAdmission

    public init(configuration: ServiceConfiguration = ServiceConfiguration(), engine: SolveEngine = .library,
                metrics: ServiceMetrics = ServiceMetrics(), logger: Logger = Logger(label: "flexgen.service")) {
        self.configuration = configuration
        self.engine = engine
        self.metrics = metrics
        self.logger = logger
        self.admission = SolveAdmission(maxRunning: configuration.resolvedMaxConcurrentSolves,
                                        maxQueued: max(0, configuration.maxQueuedSolves)) { running, queued in
            metrics.solveLoad(running: running, queued: queued)
        }
    }

    /// Runs `work` in a solve slot (`SolveAdmission`), passing it the time limit left: the whole
    /// limit when a slot was free, the limit minus the time queued otherwise, so that an admitted
    /// request's solve still ends within its limit from arrival. A full queue is a 503 at once,
    /// a wait that reaches the time limit a 503 then; both say `Retry-After: 1`.
    func withSolveSlot<T: Sendable>(received: ContinuousClock.Instant, _ work: (Double) async throws -> T) async throws -> T {
        let limit = configuration.timeLimitS
        let immediately: Bool
        do {
            immediately = try await admission.acquire(deadline: received + .nanoseconds(Int64(limit * 1e9)))
        } catch let refusal as SolveAdmission.Refusal {
            throw refused(refusal)
        }
        defer { admission.release() }
        let left = immediately ? limit : limit - ValidationResources.seconds(ContinuousClock.now - received)
        return try await work(max(left, limit * 1e-3))
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
        let openAPI = OpenAPIDocument.json(authenticated: configuration.authToken != nil, metricsPublic: configuration.metricsPublic)
        router.get(RouterPath(Route.openAPI.path)) { _, _ in
            JSONResponse.raw(openAPI, contentType: "application/json")
        }
        let port = configuration.port
        // One table per application: every connection's guard admits itself against it.
        let table = ConnectionGuard.Table(capacity: configuration.resolvedMaxConnections)
        let timeouts = ConnectionGuard.Timeouts(read: .nanoseconds(Int64(configuration.readTimeoutS * 1e9)),
                                                idle: .nanoseconds(Int64(configuration.idleTimeoutS * 1e9)))
        let (metrics, logger) = (metrics, logger)
        return Application(
            responder: ServiceResponder(inner: router.buildResponder(), metrics: metrics,
                                        token: configuration.authToken, metricsPublic: configuration.metricsPublic),
            server: .http1(configuration: .init(additionalChannelHandlers: [
                ConnectionGuard(timeouts: timeouts, table: table, metrics: metrics, logger: logger),
            ])),
            // A burst of connections waits in the kernel's accept queue rather than being dropped
            // (a dropped SYN costs the client a 1 s retransmission); 1024 ≤ the usual somaxconn, 4096.
            configuration: .init(address: .hostname(configuration.host, port: configuration.port),
                                 serverName: "flexgen", backlog: 1024),
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

    /// The 503 for a refused admission (counted).
    func refused(_ refusal: SolveAdmission.Refusal) -> APIError {
        let full = refusal == .queueFull
        metrics.solveRejected(reason: full ? "queue_full" : "queue_timeout")
        return APIError(.serviceUnavailable,
                        reason: full
                            ? "the server is at capacity: \(admission.maxRunning) solves running and \(admission.maxQueued) waiting (--max-concurrent-solves, --max-queued-solves); retry later"
                            : "no solve slot came free within the time limit of \(configuration.timeLimitS) s (--time-limit); retry later",
                        headers: [.retryAfter: "1"])
    }

    // MARK: Handlers

    func solve(_ request: Request) async throws -> Response {
        let received = ContinuousClock.now
        var solver = engine.defaultSolver
        var admissionMode: Admission.Mode? = nil
        for (key, value) in request.uri.queryParameters {
            switch key {
            case "solver": solver = String(value)
            case "admission":
                guard value == "none" || Admission.Mode(rawValue: String(value)) != nil else {
                    throw APIError(.badRequest, path: "query.admission",
                                   reason: "unknown admission mode \"\(value)\" (expected one of: none, "
                                       + Admission.Mode.allCases.map(\.rawValue).joined(separator: ", ") + ")")
                }
                admissionMode = Admission.Mode(rawValue: String(value))
            default:
                throw APIError(.badRequest, path: "query.\(key)", reason: "unknown query parameter (expected: solver, admission)")
            }
        }
        guard engine.solverNames.contains(solver) else {
            throw APIError(.badRequest, path: "query.solver",
                           reason: "unknown solver \"\(solver)\" (expected one of: \(engine.solverNames.joined(separator: ", ")))")
        }
        // Full already: refuse before reading and decoding the body (the cheapest 503).
        if admission.isFull { throw refused(.queueFull) }
        let problem = try await Self.offPoolIfLarge(try await RequestDecoding.body(of: request, limit: configuration.maxBodyBytes),
                                                    RequestDecoding.problem(from:))
        guard problem.clients.count <= configuration.maxClients else {
            throw APIError(.unprocessableContent, path: "clients",
                           reason: "\(problem.clients.count) clients exceed this server's maximum of \(configuration.maxClients) (--max-clients)")
        }
        let solution: Solution
        do {
            if let admissionMode {
                guard let solveAdmitting = engine.solveAdmitting else {
                    throw APIError(.unprocessableContent, path: "query.admission", reason: "this server's solver has no admission mode")
                }
                solution = try await withSolveSlot(received: received) { limit in
                    try await solveAdmitting(problem, solver, limit, admissionMode)
                }
            } else {
                solution = try await withSolveSlot(received: received) { limit in try await engine.solve(problem, solver, limit) }
            }
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
            let stoppedWithSolution = solution.hasAllocation
                && Evaluation(problem: problem, solution: solution).isFeasible
            if !stoppedWithSolution {
                guard solution.status == .timeLimit else {
                    // The iteration limit does not depend on the server's load: a retry would stop at
                    // the same place, so it is not a 503 (which says "try again later").
                    throw APIError(.unprocessableContent,
                                   reason: "the solver reached its iteration limit before finding a feasible solution for this instance",
                                   headers: headers)
                }
                throw APIError(.serviceUnavailable,
                               reason: "the solver reached the time limit of \(configuration.timeLimitS) s (--time-limit) before finding a feasible solution",
                               headers: headers)
            }
        case .numericalError:
            let detail = solution.diagnostics?.map(\.description).joined(separator: "; ") ?? ""
            if solution.diagnostics?.first?.constraint == FlexGenSolver.overflowConstraint {
                // Valid input whose energy leaves Double's range: the instance, not the server, is at fault.
                throw APIError(.unprocessableContent, path: "", reason: "the solver cannot represent this instance: \(detail)",
                               headers: headers)
            }
            throw APIError(.internalServerError,
                           reason: "the solver hit a numerical error" + (detail.isEmpty ? "" : ": \(detail)"), headers: headers)
        }
        var response = JSONResponse.solution(solution)
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

    /// `POST /v1/validate`. The work is bounded three ways: admission (`ValidationLimits`: the
    /// estimated sampling must fit in the time limit), the deadline (the validator checks it
    /// between batches and the request answers 503 once it passes), and the client (the handler
    /// runs under `consumeWithCancellationOnInboundClose`, so a client that closes its connection
    /// cancels the task, which stops the validator at its next batch instead of burning a core for
    /// nobody). The model and classifier are loaded once per process (`ValidationResources`).
    func validate(_ request: Request) async throws -> Response {
        let received = ContinuousClock.now
        if let key = request.uri.queryParameters.first?.key {
            throw APIError(.badRequest, path: "query.\(key)", reason: "unknown query parameter (/v1/validate takes none)")
        }
        // The live server's body is the connection's stream, as this call requires (it would trap
        // on a body a middleware had replaced; this service installs none). Watching the
        // connection makes Hummingbird close it after the response, so every answer says
        // `Connection: close`: a client must not send its next request on it.
        do {
            var response = try await request.body.consumeWithCancellationOnInboundClose { body in
                var request = request
                request.body = body
                return try await self.validate(request, received: received)
            }
            response.headers[.connection] = "close"
            return response
        } catch var error as APIError {
            error.headers[.connection] = "close"
            throw error
        }
    }

    private func validate(_ request: Request, received: ContinuousClock.Instant) async throws -> Response {
        let body = try await Self.offPoolIfLarge(try await RequestDecoding.body(of: request, limit: configuration.maxBodyBytes),
                                                 RequestDecoding.validateRequest(from:))
        guard body.problem.clients.count <= configuration.maxClients else {
            throw APIError(.unprocessableContent, path: "problem.clients",
                           reason: "\(body.problem.clients.count) clients exceed this server's maximum of \(configuration.maxClients) (--max-clients)")
        }
        do { try SolutionValidator.check(problem: body.problem, solution: body.solution) } catch let error as ValidationInputError {
            throw ValidationLimits.apiError(error)
        }
        // FD-digits problems run the digits model, FD-fashion ones the Fashion-MNIST model (loaded
        // when the first one arrives; it needs Debian's dataset-fashion-mnist for the FD reference).
        guard let cache = ValidationResources.cache(for: body.problem.profile.metric) else {
            throw APIError(.unprocessableContent, path: "problem.profile.metric",
                           reason: "this service validates \(QualityEvaluator.metric.name) and \(FashionQualityEvaluator.metric.name) problems only (profiles written by flexgen calibrate), got \(body.problem.profile.metric.name)")
        }
        let resources: ValidationResources
        if let loaded = cache.ifLoaded {
            resources = loaded
        } else {
            do {
                resources = try await BlockingWork.run { _ in try cache.get() }
            } catch let error as FashionMNIST.LoadError {
                throw APIError(.serviceUnavailable,
                               reason: "this server cannot validate \(FashionQualityEvaluator.metric.name) problems: \(error)")
            }
        }
        // The model's cost of every distinct configuration, in the solution's order.
        var keys: [Configuration.Key] = [], costs: [ValidationLimits.ConfigurationCost] = []
        for (k, decision) in body.solution.clients.enumerated() where !keys.contains(decision.configurationKey) {
            do {
                costs.append(.init(flopsPerImage: try resources.flopsPerImage(decision.width, decision.steps),
                                   steps: decision.steps))
            } catch {
                throw APIError(.unprocessableContent, path: "solution.clients[\(k)]",
                               reason: "configuration \(decision.configurationKey) cannot run on \(resources.modelDescription): \(error)")
            }
            keys.append(decision.configurationKey)
        }
        let cost = ValidationLimits.Cost(flopsPerS: configuration.validationFlopsPerS ?? resources.measuredFlopsPerS,
                                         secondsPerImageStep: configuration.validationFlopsPerS == nil ? resources.secondsPerImageStep : 0,
                                         scoringSecondsPerBatch: configuration.validationScoringSecondsPerBatch ?? resources.scoringSecondsPerBatch,
                                         warmUpFlopsPerImage: try resources.flopsPerImage(1, 1))
        let settings = try ValidationLimits.settings(seeds: body.seeds, samplesPerSeed: body.samplesPerSeed,
                                                     configurations: costs, cost: cost,
                                                     timeLimitS: configuration.timeLimitS)
        let (problem, solution, limitS) = (body.problem, body.solution, configuration.timeLimitS)
        let batches = keys.count * settings.seedCount
        let report: ValidationReport
        do {
            report = try await withSolveSlot(received: received) { _ in try await BlockingWork.run { stop in
                // The deadline counts from the request's arrival: queueing behind solves uses it up too.
                let remaining = limitS - ValidationResources.seconds(ContinuousClock.now - received)
                guard remaining > 0 else {
                    throw ValidationInterrupted(reason: .timeLimit, completedBatches: 0,
                                                totalBatches: batches, elapsedS: 0)
                }
                var limited = settings
                limited.timeLimitS = remaining
                let validator = SolutionValidator(sampler: resources.makeSampler(), scorer: resources.scorer, timing: nil)
                return try validator.validate(problem: problem, solution: solution, settings: limited,
                                              shouldStop: { stop.isStopped })
            } }
        } catch let error as ValidationInputError {
            throw ValidationLimits.apiError(error)
        } catch let error as SamplerError {
            throw APIError(.unprocessableContent, path: "solution.clients", reason: error.description)
        } catch is CancellationError {
            // Withdrawn while still queued for a solve thread: nothing was sampled.
            logger.debug("validation interrupted", metadata: ["reason": "withdrawn", "completed_batches": "0",
                                                              "total_batches": .stringConvertible(batches)])
            throw APIError(.serviceUnavailable,
                           reason: "the validation was cancelled (client disconnected or server shutting down) before it started")
        } catch let error as ValidationInterrupted {
            // Debug level: the request's own line (info) already says 503; this says how far it got.
            logger.debug("validation interrupted", metadata: [
                "reason": .string(error.reason.rawValue), "completed_batches": .stringConvertible(error.completedBatches),
                "total_batches": .stringConvertible(error.totalBatches), "elapsed_s": .stringConvertible(error.elapsedS),
            ])
            switch error.reason {
            case .timeLimit:
                throw APIError(.serviceUnavailable,
                               reason: "the validation reached the time limit of \(limitS) s (--time-limit) with \(error.completedBatches) of \(error.totalBatches) batches sampled: ask for fewer seeds or samplesPerSeed, or run flexgen validate")
            case .stopped:
                throw APIError(.serviceUnavailable,
                               reason: "the validation was cancelled (client disconnected or server shutting down) after \(error.completedBatches) of \(error.totalBatches) batches")
            }
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
