import Foundation
import Logging
import Testing
import FlexGen
@testable import FlexGenService

/// The solve and check routes against the real library, each answer re-checked independently.
@Suite struct SolveRouteTests {
    @Test func solveReturnsASolutionThatChecksOut() async throws {
        let problem = Fixtures.paperDefault()
        try await withServer { server in
            let reply = try await server.post("/v1/solve", try Fixtures.json(problem))
            #expect(reply.status == 200, "\(reply.text)")
            let solution = try SolutionFile.decode(reply.body)
            #expect(solution.status == .optimal || solution.status == .feasible)
            #expect(solution.problem == problem.name)
            #expect(solution.solver == server.defaultSolverName)
            #expect(reply.headers["flexgen-solver-status"] == solution.status.rawValue)
            let evaluation = Evaluation(problem: problem, solution: solution)
            #expect(evaluation.isFeasible, "\(evaluation.violations)")
            #expect(solution.clients.count == problem.clients.count)
        }
    }

    /// `flexgen serve --solve-threads`: the library engine with two threads per solve answers a
    /// 3 000-client problem (3 chunks) with the same solution as with one, the solve time aside,
    /// and it checks out.
    @Test func solveThreadsChangeNothingButTheTime() async throws {
        var scenario = ScenarioSettings.preset("paper-default")!.scaled(toClients: 3_000)
        scenario.serviceTargetTightness = 0.5
        let profile = ProfileLaw.sdLike512.profile(name: "sd-like-512", widths: ProfileLaw.defaultWidths,
                                                   steps: ProfileLaw.defaultSteps)
        let problem = ScenarioGenerator.generate(settings: scenario, profile: profile, seed: 5)
        var solutions: [Solution] = []
        for threads in [1, 2] {
            var settings = SolverSettings()
            settings.decomposition.allocation.threads = threads
            let reply = try await withServer(engine: .library(settings: settings)) { server in
                try await server.post("/v1/solve", try Fixtures.json(problem))
            }
            #expect(reply.status == 200, "\(reply.text.prefix(300))")
            var solution = try SolutionFile.decode(reply.body)
            solution.solveTimeS = 0
            solutions.append(solution)
        }
        #expect(solutions[0] == solutions[1])
        #expect(solutions[0].status == .optimal)
        #expect(Evaluation(problem: problem, solution: solutions[0]).isFeasible)
    }

    /// An answer longer than one 64 KiB piece is streamed (chunked, no Content-Length); the bytes
    /// that arrive are exactly the canonical encoding of the solution they decode to, which
    /// re-checks against the problem.
    @Test func aLargeAnswerIsStreamedAndArrivesWhole() async throws {
        var settings = ScenarioSettings.preset("paper-default")!.scaled(toClients: 400)
        settings.serviceTargetTightness = nil
        let profile = ProfileLaw.sdLike512.profile(name: "sd-like-512", widths: ProfileLaw.defaultWidths,
                                                   steps: ProfileLaw.defaultSteps)
        let problem = ScenarioGenerator.generate(settings: settings, profile: profile, seed: 3)
        try await withServer { server in
            let reply = try await server.post("/v1/solve", try Fixtures.json(problem))
            #expect(reply.status == 200, "\(reply.text.prefix(300))")
            #expect(reply.body.count > 2 << 16, "\(reply.body.count) bytes: not several pieces")
            #expect(reply.headers["content-length"] == nil)
            #expect(reply.headers["transfer-encoding"]?.lowercased() == "chunked")
            let solution = try SolutionFile.decode(reply.body)
            #expect(reply.body == (try FlexGenJSON.encode(solution)))
            #expect(solution.clients.count == problem.clients.count)
            #expect(Evaluation(problem: problem, solution: solution).isFeasible)
        }
    }

    @Test func everyOfferedSolverIsSelectableByName() async throws {
        let problem = Fixtures.paperDefault(seed: 2)
        let body = try Fixtures.json(problem)
        try await withServer { server in
            for name in SolveEngine.library.solverNames where name != "exhaustive" {
                let reply = try await server.post("/v1/solve?solver=\(name)", body)
                #expect(reply.status == 200 || reply.status == 503, "\(name): \(reply.text)")
                guard reply.status == 200 else { continue }
                let solution = try SolutionFile.decode(reply.body)
                #expect(solution.solver == name)
                if solution.status.certifiesSolution {
                    #expect(Evaluation(problem: problem, solution: solution).isFeasible, "\(name)")
                }
            }
        }
    }

    @Test func checkAgreesWithTheLibraryEvaluation() async throws {
        let problem = Fixtures.paperDefault()
        let problemObject = try Fixtures.object(try Fixtures.json(problem))
        try await withServer { server in
            let solved = try await server.post("/v1/solve", try Fixtures.json(problem))
            #expect(solved.status == 200)
            var solution = try SolutionFile.decode(solved.body)
            let good = try await server.post("/v1/check", try Fixtures.data(
                ["problem": problemObject, "solution": try Fixtures.object(try FlexGenJSON.encode(solution))]))
            #expect(good.status == 200)
            let report = try good.decode(EvaluationReport.self)
            #expect(report.feasible && report.passes && report.violations.isEmpty)
            #expect(report.format == "flexgen-check/1")
            // Break the bandwidth budget: a verdict of "no" is still a 200, with the violation named.
            solution.clients[0].bandwidthHz += problem.server.bandwidthHz
            let bad = try await server.post("/v1/check", try Fixtures.data(
                ["problem": problemObject, "solution": try Fixtures.object(try FlexGenJSON.encode(solution))]))
            #expect(bad.status == 200)
            let badReport = try bad.decode(EvaluationReport.self)
            let expected = Evaluation(problem: problem, solution: solution)
            #expect(!badReport.passes && !badReport.feasible)
            #expect(badReport.violatedKinds == expected.violatedKinds)
            #expect(badReport.violatedKinds.contains(.bandwidthBudget))
        }
    }

    @Test func fiftyConcurrentSolvesAllReturnCorrectCheckedSolutions() async throws {
        let problems = (1...5).map { Fixtures.paperDefault(seed: UInt64($0)) }
        let bodies = try problems.map(Fixtures.json)
        try await withServer { server in
            let replies = try await withThrowingTaskGroup(of: (Int, RunningServer.Reply).self) { group in
                for i in 0..<50 {
                    group.addTask { (i, try await server.post("/v1/solve", bodies[i % 5])) }
                }
                var replies: [(Int, RunningServer.Reply)] = []
                for try await reply in group { replies.append(reply) }
                return replies
            }
            #expect(replies.count == 50)
            var energies: [Int: Set<Double>] = [:]
            for (i, reply) in replies {
                #expect(reply.status == 200)
                let solution = try SolutionFile.decode(reply.body)
                #expect(solution.problem == problems[i % 5].name)
                #expect(Evaluation(problem: problems[i % 5], solution: solution).isFeasible)
                energies[i % 5, default: []].insert(try #require(solution.totalEnergyJ))
            }
            // The same problem gives the same answer however many solves run beside it.
            for (_, values) in energies { #expect(values.count == 1) }
        }
    }

    @Test func timeLimitWithAFeasibleSolutionIs200AndWithoutOneIs503() async throws {
        let problem = Fixtures.paperDefault()
        let stoppedWithSolution = SolveEngine(solverNames: ["stopped"], defaultSolver: "stopped") { problem, _, limit in
            var solution = try await SolveEngine.library.solve(problem, SolveEngine.library.defaultSolver, limit)
            solution.status = .timeLimit
            return solution
        }
        try await withServer(engine: stoppedWithSolution) { server in
            let reply = try await server.post("/v1/solve", try Fixtures.json(problem))
            #expect(reply.status == 200)
            let solution = try SolutionFile.decode(reply.body)
            #expect(solution.status == .timeLimit)
            #expect(Evaluation(problem: problem, solution: solution).isFeasible)
        }
        let stoppedEmpty = SolveEngine(solverNames: ["stopped"], defaultSolver: "stopped") { problem, solver, limit in
            Solution(problem: problem.name, solver: solver, status: .timeLimit, totalEnergyJ: nil, solveTimeS: limit, clients: [])
        }
        try await withServer(ServiceConfiguration(timeLimitS: 0.25), engine: stoppedEmpty) { server in
            let reply = try await server.post("/v1/solve", try Fixtures.json(problem))
            #expect(reply.status == 503)
            #expect(reply.error?.reason.contains("0.25 s") == true)
            #expect(reply.headers["flexgen-solver-status"] == "time_limit")
        }
        // A "time_limit" answer whose allocation does not check out is not passed on as a solution.
        let stoppedInfeasible = SolveEngine(solverNames: ["stopped"], defaultSolver: "stopped") { problem, _, limit in
            var solution = try await SolveEngine.library.solve(problem, SolveEngine.library.defaultSolver, limit)
            solution.status = .timeLimit
            solution.clients[0].computeRateFlopsPerS *= 1e-3
            return solution
        }
        try await withServer(engine: stoppedInfeasible) { server in
            let reply = try await server.post("/v1/solve", try Fixtures.json(problem))
            #expect(reply.status == 503)
        }
    }

    @Test func theRealSolverStoppedByTheServiceTimeLimit() async throws {
        // A 500-client service-target instance the decomposition cannot finish in 0.3 s.
        let problem = AsyncSolverTests.longProblem()
        try await withServer(ServiceConfiguration(timeLimitS: 0.3)) { server in
            let start = ContinuousClock.now
            let reply = try await server.post("/v1/solve", try Fixtures.json(problem))
            #expect(ContinuousClock.now - start < .seconds(30))
            #expect(reply.headers["flexgen-solver-status"] == "time_limit")
            if reply.status == 200 {
                let solution = try SolutionFile.decode(reply.body)
                #expect(solution.status == .timeLimit)
                #expect(Evaluation(problem: problem, solution: solution).isFeasible)
            } else {
                #expect(reply.status == 503)
                #expect(reply.error?.reason.contains("time limit of 0.3 s") == true)
            }
        }
    }

    @Test func theServiceHandsItsTimeLimitToTheSolver() async throws {
        let seen = LimitRecorder()
        let engine = SolveEngine(solverNames: ["probe"], defaultSolver: "probe") { problem, solver, limit in
            await seen.record(limit)
            return try await SolveEngine.library.solve(problem, SolveEngine.library.defaultSolver, limit)
        }
        try await withServer(ServiceConfiguration(timeLimitS: 3.5), engine: engine) { server in
            let reply = try await server.post("/v1/solve", try Fixtures.json(Fixtures.paperDefault()))
            #expect(reply.status == 200)
        }
        #expect(await seen.limits == [3.5])
    }

    @Test func healthListsTheSolversAndLimits() async throws {
        try await withServer(ServiceConfiguration(maxBodyBytes: 1234, maxClients: 56, timeLimitS: 7)) { server in
            let reply = try await server.get("/v1/health")
            #expect(reply.status == 200)
            let health = try reply.decode(FlexGenHTTPService.Health.self)
            #expect(health.status == "ok")
            #expect(health.solvers == SolveEngine.library.solverNames)
            #expect(health.defaultSolver == SolveEngine.library.defaultSolver)
            #expect(health.limits == .init(maxBodyBytes: 1234, maxClients: 56, timeLimitS: 7))
        }
    }

    @Test func metricsCountRequestsStatusesAndSolves() async throws {
        let body = try Fixtures.json(Fixtures.paperDefault())
        try await withServer { server in
            for _ in 0..<3 {
                let reply = try await server.post("/v1/solve", body)
                #expect(reply.status == 200)
            }
            let reply1 = try await server.get("/nowhere")
            #expect(reply1.status == 404)
            let reply2 = try await server.post("/v1/solve", Data("x".utf8))
            #expect(reply2.status == 400)
            let reply = try await server.get("/metrics")
            #expect(reply.status == 200)
            #expect(reply.headers["content-type"]?.hasPrefix("text/plain") == true)
            let text = reply.text
            let solver = SolveEngine.library.defaultSolver
            #expect(text.contains(#"flexgen_http_requests_total{method="POST",path="/v1/solve",status="200"} 3"#))
            #expect(text.contains(#"flexgen_http_requests_total{method="POST",path="/v1/solve",status="400"} 1"#))
            #expect(text.contains(#"flexgen_http_requests_total{method="GET",path="unmatched",status="404"} 1"#))
            #expect(text.contains("flexgen_http_request_duration_seconds_bucket"))
            #expect(text.contains("flexgen_solves_total{solver=\"\(solver)\",status=\"optimal\"} 3")
                    || text.contains("flexgen_solves_total{solver=\"\(solver)\",status=\"feasible\"} 3"))
            #expect(text.contains("flexgen_solve_duration_seconds_count"))
            #expect(text.contains("flexgen_http_requests_in_flight"))
        }
    }

    @Test func oneStructuredLogLinePerRequest() async throws {
        let records = LogRecords()
        let logger = Logger(label: "flexgen.test") { _ in CapturingLogHandler(records: records) }
        let body = try Fixtures.json(Fixtures.paperDefault())
        try await withServer(logger: logger) { server in
            let reply3 = try await server.post("/v1/solve", body)
            #expect(reply3.status == 200)
            let reply4 = try await server.get("/v1/health")
            #expect(reply4.status == 200)
            let reply5 = try await server.get("/missing")
            #expect(reply5.status == 404)
        }
        let lines = records.all.filter { $0.message == "request" }
        #expect(lines.count == 3)
        let solve = try #require(lines.first { $0.metadata["path"] == "/v1/solve" })
        #expect(solve.metadata["method"] == "POST")
        #expect(solve.metadata["status"] == "200")
        #expect(solve.metadata["solver"] == SolveEngine.library.defaultSolver)
        #expect(solve.metadata["solver_status"] == "optimal" || solve.metadata["solver_status"] == "feasible")
        #expect(Double(solve.metadata["duration_ms"] ?? "") != nil)
        #expect(lines.contains { $0.metadata["path"] == "/missing" && $0.metadata["status"] == "404" })
    }
}

actor LimitRecorder {
    var limits: [Double] = []
    func record(_ limit: Double) { limits.append(limit) }
}

extension RunningServer {
    var defaultSolverName: String { SolveEngine.library.defaultSolver }
}

/// Log records kept for assertions.
final class LogRecords: @unchecked Sendable {
    struct Record { var level: Logger.Level; var message: String; var metadata: [String: String] }
    private let lock = NSLock()
    private var records: [Record] = []
    func append(_ record: Record) { lock.lock(); records.append(record); lock.unlock() }
    var all: [Record] { lock.lock(); defer { lock.unlock() }; return records }
}

struct CapturingLogHandler: LogHandler {
    let records: LogRecords
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .info
    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }
    func log(event: LogEvent) {
        var all = metadata
        event.metadata?.forEach { all[$0.key] = $0.value }
        records.append(.init(level: event.level, message: event.message.description,
                             metadata: all.mapValues { "\($0)" }))
    }
}
